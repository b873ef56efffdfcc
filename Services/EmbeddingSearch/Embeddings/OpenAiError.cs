using System.Text.Json.Serialization;

namespace AspireAi.EmbeddingSearch.Embeddings;

/// <summary>The error body of the OpenAI API: <c>{"error":{"message","type","param","code"}}</c>.</summary>
/// <param name="Error">The error details.</param>
public sealed record OpenAiErrorResponse(OpenAiError Error);

/// <summary>One error in the OpenAI shape. <c>param</c> and <c>code</c> are written even when null, as OpenAI does.</summary>
/// <param name="Message">What was wrong and how to fix it.</param>
/// <param name="Type">The error class, for example <c>invalid_request_error</c>.</param>
/// <param name="Param">The request field at fault, if one is.</param>
/// <param name="Code">A stable machine-readable code.</param>
public sealed record OpenAiError(
    string Message,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Param,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Code)
{
    /// <summary>The type of errors caused by the request's content.</summary>
    public const string InvalidRequestType = "invalid_request_error";

    /// <summary>The type of errors caused by this service or a service it depends on.</summary>
    public const string ServerErrorType = "server_error";

    /// <summary>Creates an <c>invalid_request_error</c>.</summary>
    /// <param name="message">What was wrong and how to fix it.</param>
    /// <param name="param">The request field at fault.</param>
    /// <param name="code">A stable machine-readable code.</param>
    /// <returns>The error.</returns>
    public static OpenAiError InvalidRequest(string message, string? param, string code) =>
        new(message, InvalidRequestType, param, code);
}
