using System.Collections.Concurrent;
using Microsoft.ML.Tokenizers;

namespace AspireAi.Tokenization;

/// <summary>
/// Counts tokens with the tiktoken encoding of a model's family (Microsoft.ML.Tokenizers).
/// </summary>
/// <remarks>
/// Models that Microsoft.ML.Tokenizers does not know, such as Anthropic's or local ones, are
/// counted with o200k_base. That is an estimate for them, close enough for cost estimates and
/// for usage when an upstream reports none.
/// </remarks>
public sealed class TokenCounter
{
    /// <summary>Tokens that the chat format adds per message (role and separators), as OpenAI counts them.</summary>
    public const int TokensPerMessage = 3;

    /// <summary>Tokens that prime the assistant's reply at the end of every chat prompt.</summary>
    public const int TokensPerReplyPrimer = 3;

    private const string FallbackModel = "gpt-4o";

    private readonly ConcurrentDictionary<string, Tokenizer> _byModel = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A process-wide instance; the tokenizers it loads are immutable and thread-safe.</summary>
    public static TokenCounter Shared { get; } = new();

    /// <summary>Counts the tokens of plain text as the model's tokenizer splits it.</summary>
    /// <param name="model">The model name, for example <c>gpt-4o-mini</c>.</param>
    /// <param name="text">The text to count.</param>
    /// <returns>The number of tokens.</returns>
    public int CountText(string model, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return 0;
        }

        return GetTokenizer(model).CountTokens(text);
    }

    /// <summary>
    /// Counts the prompt tokens of a chat request: every message's role and content plus the
    /// per-message and reply-primer overhead of the chat format.
    /// </summary>
    /// <param name="model">The model name.</param>
    /// <param name="messages">The messages as (role, text content) pairs.</param>
    /// <returns>The number of prompt tokens.</returns>
    public int CountChat(string model, IEnumerable<ChatText> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);

        var tokenizer = GetTokenizer(model);
        var total = TokensPerReplyPrimer;
        foreach (var message in messages)
        {
            total += TokensPerMessage;
            total += tokenizer.CountTokens(message.Role);
            if (!string.IsNullOrEmpty(message.Content))
            {
                total += tokenizer.CountTokens(message.Content);
            }

            if (!string.IsNullOrEmpty(message.Name))
            {
                total += 1 + tokenizer.CountTokens(message.Name);
            }
        }

        return total;
    }

    /// <summary>Splits text into the model's tokens and returns each token's text, in order.</summary>
    /// <param name="model">The model name.</param>
    /// <param name="text">The text to split.</param>
    /// <returns>The token texts; concatenated they give back the input.</returns>
    public IReadOnlyList<string> SplitText(string model, string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        var tokenizer = GetTokenizer(model);
        var ids = tokenizer.EncodeToIds(text);
        var pieces = new List<string>(ids.Count);
        var consumed = 0;
        // Decoding growing prefixes keeps multibyte characters that span several tokens whole:
        // a piece is emitted only once the prefix decodes to more complete text than before.
        for (var i = 0; i < ids.Count; i++)
        {
            var decoded = tokenizer.Decode(ids.Take(i + 1)) ?? string.Empty;
            if (decoded.Length > consumed && !decoded.EndsWith('\uFFFD'))
            {
                pieces.Add(decoded[consumed..]);
                consumed = decoded.Length;
            }
        }

        if (consumed < text.Length)
        {
            pieces.Add(text[consumed..]);
        }

        return pieces;
    }

    private Tokenizer GetTokenizer(string model) =>
        _byModel.GetOrAdd(string.IsNullOrWhiteSpace(model) ? FallbackModel : model, static name =>
        {
            try
            {
                return TiktokenTokenizer.CreateForModel(name);
            }
            catch (NotSupportedException)
            {
                return TiktokenTokenizer.CreateForModel(FallbackModel);
            }
        });
}

/// <summary>One chat message reduced to the parts that count as prompt tokens.</summary>
/// <param name="Role">The role, such as system, user or assistant.</param>
/// <param name="Content">The text content, or <see langword="null"/> when there is none.</param>
/// <param name="Name">The optional participant name.</param>
public readonly record struct ChatText(string Role, string? Content, string? Name = null);
