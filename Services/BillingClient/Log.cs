using Microsoft.Extensions.Logging;

namespace AspireAi.BillingClient;

/// <summary>The billing client's log messages. Event ids 3900–3999, the part of billing's range kept for its client.</summary>
internal static partial class Log
{
    [LoggerMessage(3900, LogLevel.Warning, "Usage {RequestId} is kept in the outbox because billing did not acknowledge it. It will be retried.")]
    public static partial void UsageQueued(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(3901, LogLevel.Warning, "Billing is unavailable: {Pending} usage record(s) wait in the outbox {Directory}. Retrying in {Delay}.")]
    public static partial void OutboxDeliveryFailed(ILogger logger, int pending, string directory, TimeSpan delay, Exception exception);

    [LoggerMessage(3902, LogLevel.Information, "Delivered {Count} usage record(s) from the outbox to billing.")]
    public static partial void OutboxDelivered(ILogger logger, int count);

    [LoggerMessage(3903, LogLevel.Error,
        "Billing rejected usage {RequestId} with status {StatusCode}. The record was moved to {Path} and will not be retried; fix it and move it back to deliver it.")]
    public static partial void UsageRejected(ILogger logger, string requestId, int statusCode, string path, Exception exception);

    [LoggerMessage(3904, LogLevel.Error, "Usage {RequestId} could not be written to the outbox {Directory}; it is sent to billing directly, without a retry.")]
    public static partial void OutboxWriteFailed(ILogger logger, string requestId, string directory, Exception exception);

    [LoggerMessage(3905, LogLevel.Error, "The outbox file {Path} is not a valid usage record and was moved aside.")]
    public static partial void OutboxFileInvalid(ILogger logger, string path, Exception exception);

    [LoggerMessage(3906, LogLevel.Warning,
        "The list of revoked API keys could not be fetched from billing. Keys revoked from now on stay accepted until their cache entry ends; retrying every {Interval}.")]
    public static partial void RevocationPollFailed(ILogger logger, TimeSpan interval, Exception exception);

    [LoggerMessage(3907, LogLevel.Debug, "The list of revoked API keys still could not be fetched from billing.")]
    public static partial void RevocationPollStillFailing(ILogger logger, Exception exception);

    [LoggerMessage(3908, LogLevel.Information, "The list of revoked API keys is fetched from billing again.")]
    public static partial void RevocationPollRecovered(ILogger logger);

    [LoggerMessage(3909, LogLevel.Error,
        "Billing rejected usage {RequestId} in a batch: {Errors} The record was moved to {Path} and will not be retried; fix it and move it back to deliver it.")]
    public static partial void UsageRejectedInBatch(ILogger logger, string requestId, string errors, string path);
}
