namespace AspireAi.Completion;

/// <summary>The gateway's log messages; event ids 1000–1999.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "API key validation failed because billing is unavailable.")]
    public static partial void BillingUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Debug, Message = "Chat completion {RequestId} for tenant {TenantId}: model {Model}, stream {Stream}, cache {CacheStatus}.")]
    public static partial void ChatCompletionStarted(ILogger logger, string requestId, Guid tenantId, string model, bool stream, string cacheStatus);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "Upstream {Provider} returned {StatusCode} for request {RequestId}.")]
    public static partial void UpstreamFailed(ILogger logger, string provider, int statusCode, string requestId);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Information, Message = "Client disconnected from stream {RequestId} after {OutputTokens} output tokens; billing what was delivered.")]
    public static partial void StreamAbandoned(ILogger logger, string requestId, long outputTokens);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Error, Message = "Usage of request {RequestId} could not be recorded in billing.")]
    public static partial void UsageNotRecorded(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Warning, Message = "Model {Model} has no price in billing; its requests are recorded as unpriced.")]
    public static partial void ModelUnpriced(ILogger logger, string model);

    [LoggerMessage(EventId = 1030, Level = LogLevel.Warning, Message = "The response cache is unavailable for request {RequestId}; serving without it.")]
    public static partial void CacheUnavailable(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(EventId = 1040, Level = LogLevel.Warning, Message = "Forwarding {Path} to {Service} failed.")]
    public static partial void ForwardFailed(ILogger logger, string path, string service, Exception exception);

    [LoggerMessage(EventId = 1050, Level = LogLevel.Information, Message = "Job {JobId} of tenant {TenantId} started on {WorkerId}.")]
    public static partial void JobStarted(ILogger logger, string jobId, Guid tenantId, string workerId);

    [LoggerMessage(EventId = 1051, Level = LogLevel.Information, Message = "Job {JobId} finished with status {Status}.")]
    public static partial void JobFinished(ILogger logger, string jobId, string status);

    [LoggerMessage(EventId = 1052, Level = LogLevel.Error, Message = "Job {JobId} could not be run.")]
    public static partial void JobFailed(ILogger logger, string jobId, Exception exception);

    [LoggerMessage(EventId = 1053, Level = LogLevel.Warning, Message = "Requeued {Count} jobs of workers that stopped sending heartbeats.")]
    public static partial void JobsRequeued(ILogger logger, int count);

    [LoggerMessage(EventId = 1054, Level = LogLevel.Warning, Message = "The job queue in Redis is unavailable; retrying.")]
    public static partial void JobQueueUnavailable(ILogger logger, Exception exception);
}
