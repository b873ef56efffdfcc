using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AspireAi.ProviderEmulator.OpenAi;

/// <summary>The body of an OpenAI error response: <c>{"error": {...}}</c>.</summary>
/// <param name="Error">The error details.</param>
public sealed record OpenAiErrorResponse(OpenAiError Error);

/// <summary>The details of an OpenAI error; <c>param</c> and <c>code</c> are written as null when absent, as OpenAI does.</summary>
/// <param name="Message">What was wrong and how to fix it.</param>
/// <param name="Type">The error category, such as <c>invalid_request_error</c>.</param>
/// <param name="Param">The request field at fault, if any.</param>
/// <param name="Code">A stable machine-readable code, such as <c>model_not_found</c>.</param>
public sealed record OpenAiError(
    string Message,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Param,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Code);

/// <summary>An error response: the HTTP status code and the OpenAI error body.</summary>
/// <param name="StatusCode">The HTTP status code.</param>
/// <param name="Body">The error body.</param>
public sealed record OpenAiProblem(int StatusCode, OpenAiErrorResponse Body)
{
    /// <summary>The error type that OpenAI uses for invalid requests, unknown models and bad keys.</summary>
    public const string InvalidRequestErrorType = "invalid_request_error";

    /// <summary>Creates a 400 for a request field that is missing or invalid.</summary>
    /// <param name="message">What was wrong and how to fix it.</param>
    /// <param name="param">The request field at fault, if any.</param>
    /// <param name="code">An optional machine-readable code.</param>
    /// <returns>The problem.</returns>
    public static OpenAiProblem InvalidRequest(string message, string? param, string? code = null) =>
        new(StatusCodes.Status400BadRequest, new OpenAiErrorResponse(new OpenAiError(message, InvalidRequestErrorType, param, code)));

    /// <summary>Creates a 404 <c>model_not_found</c> for a model that the emulator does not serve.</summary>
    /// <param name="model">The requested model id.</param>
    /// <param name="knownModels">The model ids that the emulator serves.</param>
    /// <returns>The problem.</returns>
    public static OpenAiProblem ModelNotFound(string model, IEnumerable<string> knownModels) =>
        new(StatusCodes.Status404NotFound, new OpenAiErrorResponse(new OpenAiError(
            $"The model '{model}' does not exist on this emulator. Use one of {string.Join(", ", knownModels)}, " +
            $"or add it to {ProviderEmulatorOptions.SectionName}:Models.",
            InvalidRequestErrorType,
            "model",
            "model_not_found")));

    /// <summary>Creates a 401 <c>invalid_api_key</c>.</summary>
    /// <param name="message">Why the key was rejected; never the key itself.</param>
    /// <returns>The problem.</returns>
    public static OpenAiProblem InvalidApiKey(string message) =>
        new(StatusCodes.Status401Unauthorized, new OpenAiErrorResponse(new OpenAiError(message, InvalidRequestErrorType, null, "invalid_api_key")));

    /// <summary>Converts the problem to a JSON result with its status code.</summary>
    /// <returns>The result.</returns>
    public JsonHttpResult<OpenAiErrorResponse> ToResult() => TypedResults.Json(Body, statusCode: StatusCode);
}

/// <summary>Logs rejected requests before the error response is sent.</summary>
internal static class OpenAiProblemLogging
{
    public static JsonHttpResult<OpenAiErrorResponse> ToLoggedResult(this OpenAiProblem problem, HttpRequest request, ILogger logger)
    {
        Log.RequestRejected(
            logger,
            request.Method,
            request.Path,
            problem.StatusCode,
            problem.Body.Error.Code,
            problem.Body.Error.Param,
            problem.Body.Error.Message);

        return problem.ToResult();
    }
}
