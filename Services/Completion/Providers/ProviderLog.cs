namespace AspireAi.Completion;

/// <summary>The gateway's log messages about provider calls and streams, event ids 1100–1129.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1100, Level = LogLevel.Warning, Message = "Deployment {Deployment} of provider {Provider} returned {StatusCode}.")]
    public static partial void DeploymentReturnedError(ILogger logger, string deployment, string provider, int statusCode);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Deployment {Deployment} of provider {Provider} could not be reached.")]
    public static partial void DeploymentUnreachable(ILogger logger, string deployment, string provider, Exception exception);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Warning, Message = "Deployment {Deployment} sent no response headers within the attempt timeout of {AttemptTimeout}.")]
    public static partial void DeploymentAttemptTimedOut(ILogger logger, string deployment, TimeSpan attemptTimeout);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Retrying request {RequestId} on deployment {Deployment} in {Delay} after status {StatusCode}.")]
    public static partial void UpstreamRetrying(ILogger logger, string requestId, string deployment, TimeSpan delay, int statusCode);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Warning, Message = "Request {RequestId} gave up on deployment {Deployment}; trying the next deployment or fallback model, if any.")]
    public static partial void DeploymentGivenUp(ILogger logger, string requestId, string deployment);

    [LoggerMessage(EventId = 1105, Level = LogLevel.Warning, Message = "The circuit of deployment {Deployment} opened after repeated failures; it is skipped for {BreakDuration}.")]
    public static partial void CircuitOpened(ILogger logger, string deployment, TimeSpan breakDuration);

    [LoggerMessage(EventId = 1106, Level = LogLevel.Debug, Message = "Request {RequestId} skipped deployment {Deployment} because its circuit is open.")]
    public static partial void CircuitSkipped(ILogger logger, string requestId, string deployment);

    [LoggerMessage(EventId = 1107, Level = LogLevel.Warning, Message = "Request {RequestId} reached its total timeout of {TotalTimeout}.")]
    public static partial void RequestTimedOut(ILogger logger, string requestId, TimeSpan totalTimeout);

    [LoggerMessage(EventId = 1110, Level = LogLevel.Warning, Message = "Stream {RequestId} ended early ({Reason}) after {OutputTokens} output tokens; billing what was delivered.")]
    public static partial void StreamCut(ILogger logger, string requestId, string reason, long outputTokens);
}
