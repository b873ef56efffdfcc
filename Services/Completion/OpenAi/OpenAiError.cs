using System.Text.Json.Serialization;
using AspireAi.Completion.Chat;

namespace AspireAi.Completion.OpenAi;

/// <summary>The error body OpenAI's API returns: <c>{"error": {...}}</c>.</summary>
/// <param name="Error">The error.</param>
public sealed record OpenAiErrorBody([property: JsonPropertyName("error")] OpenAiError Error);

/// <summary>One error in OpenAI's shape.</summary>
/// <param name="Message">What went wrong and how to fix it.</param>
/// <param name="Type">OpenAI's error type, such as invalid_request_error.</param>
/// <param name="Param">The request field at fault, if any.</param>
/// <param name="Code">A stable code; the gateway's own refusals start with <c>aspireai_</c>.</param>
public sealed record OpenAiError(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("param")] string? Param,
    [property: JsonPropertyName("code")] string? Code);

/// <summary>Builds error results in OpenAI's shape, each with the <c>x-aspireai-error-source</c> header.</summary>
public static class OpenAiErrors
{
    /// <summary>A 400 for a request the gateway cannot accept.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    /// <param name="param">The field at fault.</param>
    /// <returns>The result.</returns>
    public static IResult InvalidRequest(string message, string? param = null) =>
        Result(StatusCodes.Status400BadRequest, message, "invalid_request_error", param, "invalid_request");

    /// <summary>A 401 for a missing or rejected API key.</summary>
    /// <param name="message">Why the key was rejected.</param>
    /// <returns>The result.</returns>
    public static IResult InvalidApiKey(string message) =>
        Result(StatusCodes.Status401Unauthorized, message, "invalid_request_error", null, "invalid_api_key");

    /// <summary>An error result with any status.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="message">What went wrong.</param>
    /// <param name="type">OpenAI's error type.</param>
    /// <param name="param">The field at fault.</param>
    /// <param name="code">The stable error code.</param>
    /// <param name="source"><c>gateway</c> for the gateway's own refusals, <c>provider</c> for the provider's errors.</param>
    /// <returns>The result.</returns>
    public static IResult Result(int statusCode, string message, string type, string? param, string code, string source = "gateway") =>
        ChatOutcome.Error(statusCode, message, type, code, source, param: param).ToResult();
}
