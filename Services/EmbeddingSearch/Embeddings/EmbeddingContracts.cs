using System.Text.Json;

namespace AspireAi.EmbeddingSearch.Embeddings;

/// <summary>The body of <c>POST /v1/embeddings</c>, as the OpenAI API defines it.</summary>
/// <param name="Input">
/// A string, an array of strings, an array of cl100k_base token ids, or an array of such arrays;
/// token ids are decoded to text before embedding (see <see cref="TokenArrayDecoder"/>).
/// </param>
/// <param name="Model">The model; the local model when absent.</param>
/// <param name="EncodingFormat"><c>float</c> (the default) or <c>base64</c>.</param>
/// <param name="Dimensions">The vector length; only the model's own length is accepted.</param>
/// <param name="User">An end-user id for abuse monitoring; accepted and ignored.</param>
public sealed record EmbeddingRequest(
    JsonElement Input,
    string? Model = null,
    string? EncodingFormat = null,
    int? Dimensions = null,
    string? User = null);

/// <summary>How vectors are written in an embeddings response.</summary>
public enum EmbeddingEncoding
{
    /// <summary>A JSON array of numbers.</summary>
    Float,

    /// <summary>A base64 string of little-endian float32 bytes.</summary>
    Base64,
}

/// <summary>An embeddings request after validation.</summary>
/// <param name="Inputs">The non-empty input texts in request order, token arrays already decoded.</param>
/// <param name="Model">The canonical model name.</param>
/// <param name="Encoding">The encoding of the vectors in the response.</param>
public sealed record ValidatedEmbeddingRequest(IReadOnlyList<string> Inputs, string Model, EmbeddingEncoding Encoding);

/// <summary>The body of an embeddings response.</summary>
/// <param name="Object">Always <c>list</c>.</param>
/// <param name="Data">One item per input, in input order.</param>
/// <param name="Model">The model that computed the vectors.</param>
/// <param name="Usage">The tokens the model processed.</param>
public sealed record EmbeddingResponse(string Object, IReadOnlyList<EmbeddingItem> Data, string Model, EmbeddingUsage Usage);

/// <summary>One vector of an embeddings response.</summary>
/// <param name="Object">Always <c>embedding</c>.</param>
/// <param name="Index">The position of the input in the request.</param>
/// <param name="Embedding">A <see cref="T:float[]"/> for the float encoding or a base64 <see cref="string"/>.</param>
public sealed record EmbeddingItem(string Object, int Index, object Embedding);

/// <summary>The token usage of an embeddings response.</summary>
/// <param name="PromptTokens">The local model's tokens processed, which can differ from the number of token ids a request sent.</param>
/// <param name="TotalTokens">The same as <paramref name="PromptTokens"/>; embeddings have no output tokens.</param>
public sealed record EmbeddingUsage(long PromptTokens, long TotalTokens);
