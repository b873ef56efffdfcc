using System.Text.Json;

namespace AspireAi.EmbeddingSearch.Storage;

/// <summary>
/// Collections of documents with unit-length vectors, scoped to tenants: a tenant never gets
/// another tenant's collections or documents, even under the same collection name. A document is
/// stored as one or more chunks, each with its own text and vector, that share the document's id
/// and metadata.
/// </summary>
public interface IVectorStore
{
    /// <summary>Creates an empty collection, with payload indexes for its declared metadata fields.</summary>
    /// <returns>The new collection, or <see langword="null"/> when the tenant already has one with this name.</returns>
    Task<CollectionInfo?> CreateCollectionAsync(Guid tenantId, CollectionDefinition definition, CancellationToken cancellationToken);

    /// <summary>Lists the tenant's collections, ordered by name.</summary>
    Task<IReadOnlyList<CollectionInfo>> ListCollectionsAsync(Guid tenantId, CancellationToken cancellationToken);

    /// <summary>Returns a collection with its document count, or <see langword="null"/> when it does not exist.</summary>
    Task<CollectionInfo?> GetCollectionAsync(Guid tenantId, string name, CancellationToken cancellationToken);

    /// <summary>Deletes a collection and its documents.</summary>
    /// <returns><see langword="false"/> when it did not exist.</returns>
    Task<bool> DeleteCollectionAsync(Guid tenantId, string name, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts documents, replacing every chunk of any document with the same id, and makes them
    /// durable before returning.
    /// </summary>
    /// <returns>The number of documents written, or <see langword="null"/> when the collection does not exist.</returns>
    Task<int?> UpsertAsync(Guid tenantId, string name, IReadOnlyList<VectorDocument> documents, CancellationToken cancellationToken);

    /// <summary>Deletes one document with all its chunks and makes the deletion durable before returning.</summary>
    Task<DocumentDeleteOutcome> DeleteDocumentAsync(Guid tenantId, string name, string documentId, CancellationToken cancellationToken);

    /// <summary>Lists a page of the collection's documents without their vectors.</summary>
    /// <param name="tenantId">The tenant.</param>
    /// <param name="name">The collection.</param>
    /// <param name="limit">The maximum number of documents on the page.</param>
    /// <param name="pageToken">The <see cref="DocumentPage.NextPageToken"/> of the previous page, or null for the first.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    /// <returns>The page, or <see langword="null"/> when the collection does not exist.</returns>
    /// <exception cref="FormatException"><paramref name="pageToken"/> was not issued by this store.</exception>
    Task<DocumentPage?> ListDocumentsAsync(Guid tenantId, string name, int limit, string? pageToken, CancellationToken cancellationToken);

    /// <summary>Counts the documents (not chunks) whose metadata matches <paramref name="filter"/>, or all when it is null.</summary>
    /// <returns>The count, or <see langword="null"/> when the collection does not exist.</returns>
    Task<long?> CountDocumentsAsync(Guid tenantId, string name, MetadataFilter? filter, CancellationToken cancellationToken);

    /// <summary>Finds the chunks most similar to a unit-length query vector by cosine similarity.</summary>
    /// <returns>The results by descending score, or <see langword="null"/> when the collection does not exist.</returns>
    Task<IReadOnlyList<SearchHit>?> SearchAsync(Guid tenantId, string name, VectorQuery query, CancellationToken cancellationToken);
}

/// <summary>The type of a metadata field that a collection indexes for filtering.</summary>
public enum MetadataFieldType
{
    /// <summary>A string compared exactly.</summary>
    Keyword,

    /// <summary>A whole number.</summary>
    Integer,

    /// <summary>Any number.</summary>
    Float,

    /// <summary>true or false.</summary>
    Boolean,
}

/// <summary>What a new collection is.</summary>
/// <param name="Name">The collection name, unique within a tenant.</param>
/// <param name="Dimensions">The length of every vector in it.</param>
/// <param name="IndexedMetadata">The metadata fields to index for filtering, with their types.</param>
public sealed record CollectionDefinition(string Name, int Dimensions, IReadOnlyDictionary<string, MetadataFieldType> IndexedMetadata);

/// <summary>A collection and its size.</summary>
/// <param name="Name">The collection name, unique within a tenant.</param>
/// <param name="DocumentCount">The number of documents in it, each counted once however many chunks it has.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="Dimensions">The length of every vector in it.</param>
/// <param name="IndexedMetadata">The metadata fields indexed for filtering, with their types.</param>
public sealed record CollectionInfo(
    string Name,
    long DocumentCount,
    DateTimeOffset CreatedAt,
    int Dimensions,
    IReadOnlyDictionary<string, MetadataFieldType> IndexedMetadata);

/// <summary>One piece of a document's text with its vector.</summary>
/// <param name="Text">The text the vector was computed from.</param>
/// <param name="Vector">The unit-length vector of <paramref name="Text"/>.</param>
public sealed record DocumentChunk(string Text, float[] Vector);

/// <summary>A document to store: its id, its metadata and its chunks in text order.</summary>
/// <param name="Id">The id, unique within a collection.</param>
/// <param name="Metadata">Flat metadata whose values are strings, numbers or booleans.</param>
/// <param name="Chunks">At least one chunk; chunk i is stored with chunk index i.</param>
public sealed record VectorDocument(string Id, IReadOnlyDictionary<string, JsonElement> Metadata, IReadOnlyList<DocumentChunk> Chunks)
{
    /// <summary>Creates a document of a single chunk.</summary>
    /// <param name="id">The id, unique within a collection.</param>
    /// <param name="text">The text the vector was computed from.</param>
    /// <param name="metadata">Flat metadata whose values are strings, numbers or booleans.</param>
    /// <param name="vector">The unit-length vector of <paramref name="text"/>.</param>
    public VectorDocument(string id, string text, IReadOnlyDictionary<string, JsonElement> metadata, float[] vector)
        : this(id, metadata, [new DocumentChunk(text, vector)])
    {
    }
}

/// <summary>A similarity search.</summary>
/// <param name="Vector">The unit-length query vector, of the collection's dimensions.</param>
/// <param name="Limit">The maximum number of results.</param>
/// <param name="ScoreThreshold">When set, results scoring below it are left out.</param>
/// <param name="Filter">When set, only chunks of documents whose metadata matches it are considered.</param>
public sealed record VectorQuery(ReadOnlyMemory<float> Vector, int Limit, float? ScoreThreshold = null, MetadataFilter? Filter = null);

/// <summary>One search result: a chunk of a document.</summary>
/// <param name="Id">The document id.</param>
/// <param name="ChunkIndex">The position of the chunk in its document, from 0.</param>
/// <param name="Score">The cosine similarity to the query, from -1 to 1.</param>
/// <param name="Text">The chunk text.</param>
/// <param name="Metadata">The document metadata.</param>
public sealed record SearchHit(string Id, int ChunkIndex, float Score, string Text, IReadOnlyDictionary<string, JsonElement> Metadata);

/// <summary>A stored document without its vectors.</summary>
/// <param name="Id">The document id.</param>
/// <param name="ChunkCount">The number of chunks it is stored as.</param>
/// <param name="Metadata">The document metadata.</param>
public sealed record DocumentSummary(string Id, int ChunkCount, IReadOnlyDictionary<string, JsonElement> Metadata);

/// <summary>One page of a document listing.</summary>
/// <param name="Documents">The documents on this page.</param>
/// <param name="NextPageToken">The token that fetches the next page, or <see langword="null"/> on the last page.</param>
public sealed record DocumentPage(IReadOnlyList<DocumentSummary> Documents, string? NextPageToken);

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
