using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AspireAi.ProviderEmulator.Embeddings;

/// <summary>The fields of an OpenAI embeddings request that the emulator reads; other fields are ignored.</summary>
public sealed class EmbeddingRequest
{
    /// <summary>The model id.</summary>
    public string? Model { get; set; }

    /// <summary>A string or an array of strings to embed.</summary>
    public JsonElement Input { get; set; }

    /// <summary><c>float</c> (the default) or <c>base64</c>.</summary>
    public string? EncodingFormat { get; set; }

    /// <summary>The vector length, for text-embedding-3 models only.</summary>
    public int? Dimensions { get; set; }

    /// <summary>The end-user id, accepted and ignored.</summary>
    public string? User { get; set; }
}

/// <summary>The body of an embeddings response.</summary>
/// <param name="Data">One embedding per input, in input order.</param>
/// <param name="Model">The model id.</param>
/// <param name="Usage">The token usage of the inputs.</param>
public sealed record EmbeddingResponse(IReadOnlyList<EmbeddingItem> Data, string Model, EmbeddingUsage Usage)
{
    /// <summary>Always <c>list</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Object => "list";
}

/// <summary>One embedding.</summary>
/// <param name="Index">The index of the input it belongs to.</param>
/// <param name="Embedding">The vector.</param>
public sealed record EmbeddingItem(int Index, EmbeddingVector Embedding)
{
    /// <summary>Always <c>embedding</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Object => "embedding";
}

/// <summary>Token usage of an embeddings request.</summary>
/// <param name="PromptTokens">Tokens of all inputs.</param>
public sealed record EmbeddingUsage(int PromptTokens)
{
    /// <summary>Equal to <see cref="PromptTokens"/>.</summary>
    public int TotalTokens => PromptTokens;
}

/// <summary>A vector written as a JSON array of numbers, or as base64 of little-endian float32 values.</summary>
/// <param name="Values">The components.</param>
/// <param name="AsBase64">Whether to write base64 instead of an array.</param>
[JsonConverter(typeof(EmbeddingVectorConverter))]
public sealed record EmbeddingVector(float[] Values, bool AsBase64);

/// <summary>Writes an <see cref="EmbeddingVector"/> in the encoding the request asked for.</summary>
public sealed class EmbeddingVectorConverter : JsonConverter<EmbeddingVector>
{
    /// <inheritdoc />
    public override EmbeddingVector Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("The emulator only writes embedding vectors.");

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, EmbeddingVector value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);

        if (value.AsBase64)
        {
            var bytes = new byte[value.Values.Length * sizeof(float)];
            for (var i = 0; i < value.Values.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), value.Values[i]);
            }

            writer.WriteBase64StringValue(bytes);
            return;
        }

        writer.WriteStartArray();
        foreach (var component in value.Values)
        {
            writer.WriteNumberValue(component);
        }

        writer.WriteEndArray();
    }
}
