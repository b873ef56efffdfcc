using System.Numerics.Tensors;
using System.Text.Json;
using AspireAi.BillingClient;
using AspireAi.EmbeddingSearch.Collections;
using AspireAi.EmbeddingSearch.Embeddings;
using AspireAi.EmbeddingSearch.Storage;
using Microsoft.Extensions.Options;

namespace AspireAi.EmbeddingSearch.Documents;

/// <summary>
/// Turns validated document inputs into stored documents: splits long texts into chunks, embeds
/// every chunk in one billed call, and normalises precomputed vectors to unit length.
/// </summary>
public sealed class DocumentPreparer(TextEmbedder model, BilledEmbedder embedder, IOptions<EmbeddingSearchOptions> options)
{
    private readonly ChunkingOptions _chunking = options.Value.Chunking;

    /// <summary>Splits a text into chunk texts by the configured token limits.</summary>
    public IReadOnlyList<string> Split(string text) =>
        TextChunker.Split(text, model.CountTokens, _chunking.MaxTokens, _chunking.OverlapTokens);

    /// <summary>Builds the documents, in input order.</summary>
    /// <param name="caller">The identity billed for the embeddings.</param>
    /// <param name="inputs">Inputs that passed <see cref="CollectionRequestValidator.ValidateUpsert"/> and the dimension check.</param>
    /// <param name="cancellationToken">Cancels the embedding.</param>
    /// <returns>One document per input.</returns>
    public async Task<VectorDocument[]> PrepareAsync(ApiKeyIdentity caller, IReadOnlyList<DocumentInput> inputs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(inputs);

        var chunkTexts = new IReadOnlyList<string>?[inputs.Count];
        var textsToEmbed = new List<string>();
        for (var index = 0; index < inputs.Count; index++)
        {
            if (inputs[index].Vector is null)
            {
                chunkTexts[index] = Split(inputs[index].Text!);
                textsToEmbed.AddRange(chunkTexts[index]!);
            }
        }

        var vectors = textsToEmbed.Count == 0 ? [] : (await embedder.EmbedAsync(caller, textsToEmbed, cancellationToken)).Vectors;

        var documents = new VectorDocument[inputs.Count];
        var next = 0;
        for (var index = 0; index < inputs.Count; index++)
        {
            var input = inputs[index];
            var metadata = ToMetadata(input.Metadata);
            if (input.Vector is { } vector)
            {
                documents[index] = new VectorDocument(input.Id!, input.Text ?? string.Empty, metadata, Normalize(vector));
                continue;
            }

            var chunks = chunkTexts[index]!.Select(text => new DocumentChunk(text, vectors[next++])).ToList();
            documents[index] = new VectorDocument(input.Id!, metadata, chunks);
        }

        return documents;
    }

    /// <summary>Returns a unit-length copy of a non-zero vector, as cosine similarity by dot product needs.</summary>
    public static float[] Normalize(float[] vector)
    {
        ArgumentNullException.ThrowIfNull(vector);

        var result = new float[vector.Length];
        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), result);
        return result;
    }

    /// <summary>Copies the metadata object of a request into a dictionary; a repeated key keeps its last value.</summary>
    public static Dictionary<string, JsonElement> ToMetadata(JsonElement? metadata)
    {
        var values = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (metadata is { ValueKind: JsonValueKind.Object } json)
        {
            foreach (var property in json.EnumerateObject())
            {
                values[property.Name] = property.Value.Clone();
            }
        }

        return values;
    }
}
