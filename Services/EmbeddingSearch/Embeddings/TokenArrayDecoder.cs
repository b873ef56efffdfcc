using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace AspireAi.EmbeddingSearch.Embeddings;

/// <summary>
/// Turns an embeddings input sent as token ids back into text with the cl100k_base encoding, so the
/// local model can embed it.
/// </summary>
/// <remarks>
/// <para>
/// In the OpenAI API a token-array input is a list of tiktoken ids of the embedding model's encoding.
/// The local model is a BERT model with its own WordPiece vocabulary, so those ids cannot be fed to
/// it, and reading them as BERT ids would silently embed a different text. Two choices were open:
/// reject token arrays with a 400, or decode them and embed the text. Decoding is chosen because
/// the clients that send token arrays build them from text with tiktoken, often by default.
/// LangChain's OpenAIEmbeddings, for example, sends cl100k_base tokens, which it also uses for a
/// model name that tiktoken does not know, such as this service's all-minilm-l6-v2. A 400 would
/// break those clients, while decoding gives them the vector of the text they meant.
/// </para>
/// <para>
/// cl100k_base is the encoding of OpenAI's embedding models (text-embedding-ada-002 and
/// text-embedding-3-small and -large). Only the local model is served, so there is no other model
/// family whose encoding a request could select. Special tokens such as &lt;|endoftext|&gt; and ids
/// outside the vocabulary are rejected, because they stand for no text. A token array that splits a
/// multi-byte character at its end decodes to U+FFFD for the broken bytes.
/// </para>
/// </remarks>
public static class TokenArrayDecoder
{
    /// <summary>The tiktoken encoding that token ids are read in.</summary>
    public const string EncodingName = "cl100k_base";

    /// <summary>The maximum number of token ids in one input, the input limit of OpenAI's embedding models.</summary>
    public const int MaxTokensPerInput = 8192;

    private static readonly Lazy<TiktokenTokenizer> Tokenizer = new(() => TiktokenTokenizer.CreateForEncoding(EncodingName));
    private static readonly Lazy<bool[]> TextTokenIds = new(FindTextTokenIds);

    /// <summary>Decodes one token array to the text it encodes, or describes the first problem found.</summary>
    /// <param name="tokens">A JSON array of token ids.</param>
    /// <param name="path">The JSON path of the array in the request, such as <c>input[2]</c>, used in messages.</param>
    /// <param name="text">The decoded text when valid.</param>
    /// <param name="error">The problem in the OpenAI error shape when invalid.</param>
    /// <returns><see langword="true"/> when every id is a text token of the encoding.</returns>
    public static bool TryDecode(
        JsonElement tokens,
        string path,
        [NotNullWhen(true)] out string? text,
        [NotNullWhen(false)] out OpenAiError? error)
    {
        text = null;
        error = null;
        var count = tokens.GetArrayLength();
        if (count == 0)
        {
            error = InvalidInput($"{path} is an empty token array. Send at least one token id.", "empty_input");
            return false;
        }

        if (count > MaxTokensPerInput)
        {
            error = InvalidInput(
                string.Create(CultureInfo.InvariantCulture, $"{path} has {count} token ids, but at most {MaxTokensPerInput} are allowed per input. Split it into several inputs."),
                "too_many_tokens");
            return false;
        }

        var textTokenIds = TextTokenIds.Value;
        var ids = new int[count];
        var position = 0;
        foreach (var item in tokens.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var id))
            {
                error = InvalidInput(
                    string.Create(CultureInfo.InvariantCulture, $"{path}[{position}] is {item.GetRawText()}, but a token array must contain only integer token ids."),
                    "invalid_input");
                return false;
            }

            if (id < 0 || id >= textTokenIds.Length || !textTokenIds[id])
            {
                error = InvalidInput(
                    string.Create(
                        CultureInfo.InvariantCulture,
                        $"{path}[{position}] is {id}, which is not a text token of the {EncodingName} encoding. Token arrays are decoded with {EncodingName} before the local model embeds them, so send ids from that encoding without special tokens, or send the text as a string."),
                    "invalid_token_id");
                return false;
            }

            ids[position++] = id;
        }

        text = Tokenizer.Value.Decode(ids);
        return true;
    }

    /// <summary>Encodes a text to token ids of <see cref="EncodingName"/>, as a tiktoken client would before sending them.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The token ids.</returns>
    internal static IReadOnlyList<int> Encode(string text) => Tokenizer.Value.EncodeToIds(text);

    private static OpenAiError InvalidInput(string message, string code) => OpenAiError.InvalidRequest(message, "input", code);

    /// <summary>Marks the ids that decode to text: every id below the largest special token id that decodes to something and is not special.</summary>
    private static bool[] FindTextTokenIds()
    {
        var tokenizer = Tokenizer.Value;
        var specialIds = tokenizer.SpecialTokens?.Values.ToHashSet() ?? [];

        // The encoding leaves no gaps among its regular ids, but ids between them and the special
        // tokens are unassigned and decode to nothing, so each id is checked once rather than trusting a range.
        var upperBound = specialIds.Count > 0 ? specialIds.Max() : 0;
        var isText = new bool[upperBound];
        int[] single = [0];
        for (var id = 0; id < upperBound; id++)
        {
            single[0] = id;
            isText[id] = !specialIds.Contains(id) && tokenizer.Decode(single).Length > 0;
        }

        return isText;
    }
}
