namespace AspireAi.ProviderEmulator;

/// <summary>The ProviderEmulator's log messages; event ids 4000–4999.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information,
        Message = "ProviderEmulator started as a development and test upstream: replies are generated from a hash of the request, not by a model. " +
            "Models: {Models}. API key required: {ApiKeyRequired}. Time to first token: {TimeToFirstToken}. Tokens per second: {TokensPerSecond} (0 means no delay).")]
    public static partial void EmulatorStarted(
        ILogger logger, string models, bool apiKeyRequired, TimeSpan timeToFirstToken, double tokensPerSecond);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Debug,
        Message = "Chat completion {CompletionId} for model {Model}: {ChoiceCount} choices, {PromptTokens} prompt tokens, {CompletionTokens} completion tokens, streamed: {Streamed}.")]
    public static partial void ChatCompletionCreated(
        ILogger logger, string completionId, string model, int choiceCount, int promptTokens, int completionTokens, bool streamed);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug,
        Message = "Embeddings for model {Model}: {InputCount} inputs, {Dimensions} dimensions, {PromptTokens} prompt tokens, encoding {EncodingFormat}.")]
    public static partial void EmbeddingsCreated(
        ILogger logger, string model, int inputCount, int dimensions, int promptTokens, string encodingFormat);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug,
        Message = "Rejected {Method} {Path} with status {StatusCode}, code {ErrorCode}, param {Param}: {ErrorMessage}")]
    public static partial void RequestRejected(
        ILogger logger, string method, string path, int statusCode, string? errorCode, string? param, string errorMessage);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information,
        Message = "Rejected {Method} {Path} with status 401: {Reason}")]
    public static partial void ApiKeyRejected(ILogger logger, string method, string path, string reason);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Information,
        Message = "Injecting a fault into {Path} for model {Model}, selected by {Source}; this attempt fails: {FailsThisAttempt}.")]
    public static partial void FaultInjected(ILogger logger, string path, string model, string source, bool failsThisAttempt);
}
