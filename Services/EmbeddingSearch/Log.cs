namespace AspireAi.EmbeddingSearch;

/// <summary>The embedding-search service's log messages, with event ids in its range 2000–2999.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information,
        Message = "Loaded embedding model {Model} ({Dimensions} dimensions) in {ElapsedMilliseconds} ms with {MaxConcurrentInferences} concurrent inferences of {IntraOpThreads} threads each")]
    public static partial void ModelLoaded(this ILogger logger, string model, int dimensions, long elapsedMilliseconds, int maxConcurrentInferences, int intraOpThreads);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Debug,
        Message = "Embedded {InputCount} inputs ({TokenCount} tokens) for tenant {TenantId}")]
    public static partial void InputsEmbedded(this ILogger logger, int inputCount, long tokenCount, Guid tenantId);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning,
        Message = "Recording usage of request {RequestId} ({TokenCount} tokens, tenant {TenantId}) in billing failed; the response is sent without it")]
    public static partial void UsageRecordFailed(this ILogger logger, Exception exception, string requestId, long tokenCount, Guid tenantId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning,
        Message = "Validating an API key failed because billing could not be reached")]
    public static partial void ApiKeyValidationUnavailable(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 2010, Level = LogLevel.Information,
        Message = "Created collection {Collection} for tenant {TenantId}")]
    public static partial void CollectionCreated(this ILogger logger, string collection, Guid tenantId);

    [LoggerMessage(EventId = 2011, Level = LogLevel.Information,
        Message = "Deleted collection {Collection} of tenant {TenantId}")]
    public static partial void CollectionDeleted(this ILogger logger, string collection, Guid tenantId);

    [LoggerMessage(EventId = 2012, Level = LogLevel.Information,
        Message = "Upserted {DocumentCount} documents as {ChunkCount} chunks into collection {Collection} of tenant {TenantId}")]
    public static partial void DocumentsUpserted(this ILogger logger, int documentCount, int chunkCount, string collection, Guid tenantId);

    [LoggerMessage(EventId = 2013, Level = LogLevel.Debug,
        Message = "Upserted document {DocumentId} into collection {Collection} of tenant {TenantId} with text: {Text}")]
    public static partial void DocumentTextUpserted(this ILogger logger, string documentId, string collection, Guid tenantId, string text);

    [LoggerMessage(EventId = 2014, Level = LogLevel.Information,
        Message = "Deleted document {DocumentId} from collection {Collection} of tenant {TenantId}")]
    public static partial void DocumentDeleted(this ILogger logger, string documentId, string collection, Guid tenantId);

    [LoggerMessage(EventId = 2015, Level = LogLevel.Debug,
        Message = "Searched collection {Collection} of tenant {TenantId} for {Query} and found {ResultCount} results")]
    public static partial void CollectionSearched(this ILogger logger, string collection, Guid tenantId, string query, int resultCount);

    [LoggerMessage(EventId = 2020, Level = LogLevel.Information,
        Message = "Opened the embedded vector index in {DataDirectory} with {CollectionCount} collections")]
    public static partial void StoreOpened(this ILogger logger, string dataDirectory, int collectionCount);

    [LoggerMessage(EventId = 2021, Level = LogLevel.Information,
        Message = "Replayed {RecordCount} log records of collection {Collection} of tenant {TenantId}: {DocumentCount} documents")]
    public static partial void CollectionReplayed(this ILogger logger, int recordCount, string collection, Guid tenantId, int documentCount);

    [LoggerMessage(EventId = 2022, Level = LogLevel.Warning,
        Message = "Dropped an incomplete last record of {DroppedBytes} bytes at offset {Offset} of {LogPath}, probably left by a crash during a write that was never acknowledged")]
    public static partial void TornRecordDropped(this ILogger logger, long droppedBytes, long offset, string logPath);

    [LoggerMessage(EventId = 2023, Level = LogLevel.Warning,
        Message = "Deleted {LogPath} because its header record is incomplete; the collection's creation was never acknowledged")]
    public static partial void IncompleteLogDeleted(this ILogger logger, string logPath);

    [LoggerMessage(EventId = 2024, Level = LogLevel.Warning,
        Message = "Skipped {Path} in the vector data directory because its name is not a tenant folder or a collection log")]
    public static partial void UnknownPathSkipped(this ILogger logger, string path);

    [LoggerMessage(EventId = 2025, Level = LogLevel.Warning,
        Message = "The USearch native library failed to load on {Platform}; the embedded index searches every collection exactly")]
    public static partial void HnswUnavailable(this ILogger logger, Exception exception, string platform);

    [LoggerMessage(EventId = 2026, Level = LogLevel.Information,
        Message = "Building the HNSW graph of collection {Collection} in the background from {ChunkCount} chunks; searches stay exact until it is complete")]
    public static partial void HnswGraphBuildStarted(this ILogger logger, string collection, int chunkCount);

    [LoggerMessage(EventId = 2027, Level = LogLevel.Information,
        Message = "Built the HNSW graph of collection {Collection} ({ChunkCount} chunks) in {ElapsedMilliseconds} ms")]
    public static partial void HnswGraphBuilt(this ILogger logger, string collection, int chunkCount, long elapsedMilliseconds);

    [LoggerMessage(EventId = 2028, Level = LogLevel.Error,
        Message = "The HNSW graph of collection {Collection} failed and was dropped; the collection is searched exactly until the service restarts")]
    public static partial void HnswGraphFailed(this ILogger logger, Exception exception, string collection);

    [LoggerMessage(EventId = 2030, Level = LogLevel.Error,
        Message = "Qdrant failed with {StatusCode} during {Method} {Path}; the request was answered with 503")]
    public static partial void QdrantUnavailable(this ILogger logger, Exception exception, Grpc.Core.StatusCode statusCode, string method, string path);
}
