using AspireAi.EmbeddingSearch.Storage;

namespace AspireAi.EmbeddingSearch.Tests.Storage;

/// <summary>Short forms of store calls for tests: collections of 384 dimensions without indexed metadata, searches without a filter.</summary>
public static class VectorStoreExtensions
{
    public static Task<CollectionInfo?> CreateCollectionAsync(this IVectorStore store, Guid tenantId, string name, CancellationToken cancellationToken) =>
        store.CreateCollectionAsync(tenantId, new CollectionDefinition(name, 384, new Dictionary<string, MetadataFieldType>()), cancellationToken);

    public static Task<IReadOnlyList<SearchHit>?> SearchAsync(
        this IVectorStore store, Guid tenantId, string name, float[] vector, int limit, float? scoreThreshold, CancellationToken cancellationToken) =>
        store.SearchAsync(tenantId, name, new VectorQuery(vector, limit, scoreThreshold), cancellationToken);
}
