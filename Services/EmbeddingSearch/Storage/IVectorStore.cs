using System.Text.Json;

namespace AspireAi.EmbeddingSearch.Storage;

/// <summary>
/// Collections of documents with unit-length vectors, scoped to tenants: a tenant never gets
/// another tenant's collections or documents, even under the same collection name.
/// </summary>
public interface IVectorStore
{
    /// <summary>Creates an empty collection.</summary>
    /// <returns>The new collection, or <see langword="null"/> when the tenant already has one with this name.</returns>
    Task<CollectionInfo?> CreateCollectionAsync(Guid tenantId, string name, CancellationToken cancellationToken);

    /// <summary>Lists the tenant's collections, ordered by name.</summary>
    Task<IReadOnlyList<CollectionInfo>> ListCollectionsAsync(Guid tenantId, CancellationToken cancellationToken);

    /// <summary>Returns a collection with its document count, or <see langword="null"/> when it does not exist.</summary>
    Task<CollectionInfo?> GetCollectionAsync(Guid tenantId, string name, CancellationToken cancellationToken);

    /// <summary>Deletes a collection and its documents.</summary>
    /// <returns><see langword="false"/> when it did not exist.</returns>
    Task<bool> DeleteCollectionAsync(Guid tenantId, string name, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts documents, replacing any with the same id, and makes them durable before returning.
    /// </summary>
    /// <returns>The number of documents written, or <see langword="null"/> when the collection does not exist.</returns>
    Task<int?> UpsertAsync(Guid tenantId, string name, IReadOnlyList<VectorDocument> documents, CancellationToken cancellationToken);

    /// <summary>Deletes one document and makes the deletion durable before returning.</summary>
    Task<DocumentDeleteOutcome> DeleteDocumentAsync(Guid tenantId, string name, string documentId, CancellationToken cancellationToken);

    /// <summary>
    /// Finds the documents most similar to a unit-length query vector by cosine similarity.
    /// </summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="name">The collection.</param>
    /// <param name="query">The query vector, of the collection's dimensions.</param>
    /// <param name="limit">The maximum number of results.</param>
    /// <param name="scoreThreshold">When set, results scoring below it are left out.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <returns>The results by descending score, or <see langword="null"/> when the collection does not exist.</returns>
    Task<IReadOnlyList<SearchHit>?> SearchAsync(
        Guid tenantId, string name, ReadOnlyMemory<float> query, int limit, float? scoreThreshold, CancellationToken cancellationToken);
}

/// <summary>A collection and its size.</summary>
/// <param name="Name">The collection name, unique within a tenant.</param>
/// <param name="DocumentCount">The number of documents in it.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record CollectionInfo(string Name, long DocumentCount, DateTimeOffset CreatedAt);

/// <summary>A document to store.</summary>
/// <param name="Id">The id, unique within a collection.</param>
/// <param name="Text">The text the vector was computed from.</param>
/// <param name="Metadata">Flat metadata whose values are strings, numbers or booleans.</param>
/// <param name="Vector">The unit-length vector of <paramref name="Text"/>.</param>
public sealed record VectorDocument(string Id, string Text, IReadOnlyDictionary<string, JsonElement> Metadata, float[] Vector);

/// <summary>One search result.</summary>
/// <param name="Id">The document id.</param>
/// <param name="Score">The cosine similarity to the query, from -1 to 1.</param>
/// <param name="Text">The document text.</param>
/// <param name="Metadata">The document metadata.</param>
public sealed record SearchHit(string Id, float Score, string Text, IReadOnlyDictionary<string, JsonElement> Metadata);

/// <summary>The result of deleting one document.</summary>
public enum DocumentDeleteOutcome
{
    /// <summary>The document was deleted.</summary>
    Deleted,

    /// <summary>The collection exists but has no document with that id.</summary>
    DocumentNotFound,

    /// <summary>The collection does not exist.</summary>
    CollectionNotFound,
}
