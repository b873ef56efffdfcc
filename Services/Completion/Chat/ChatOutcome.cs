using System.Text;
using System.Text.Json;
using AspireAi.Completion.OpenAi;

namespace AspireAi.Completion.Chat;

/// <summary>
/// The finished result of a non-streamed chat request: status, JSON body and the gateway's headers.
/// The HTTP route, the batch route and the job worker all produce and consume it.
/// </summary>
/// <param name="StatusCode">The HTTP status.</param>
/// <param name="Body">The JSON body: a chat.completion or an error.</param>
/// <param name="Headers">The gateway's response headers.</param>
public sealed record ChatOutcome(int StatusCode, string Body, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>The header that says who refused a request: <c>gateway</c> or <c>provider</c>.</summary>
    public const string ErrorSourceHeader = "x-aspireai-error-source";

    /// <summary>Whether the request succeeded.</summary>
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>Builds an error in OpenAI's shape.</summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="message">What went wrong and what to do.</param>
    /// <param name="type">OpenAI's error type.</param>
    /// <param name="code">The stable error code.</param>
    /// <param name="source"><c>gateway</c> for the gateway's own refusals, <c>provider</c> for the provider's errors.</param>
    /// <param name="headers">Extra headers, such as Retry-After.</param>
    /// <param name="param">The request field at fault.</param>
    /// <returns>The outcome.</returns>
    public static ChatOutcome Error(
        int statusCode, string message, string type, string code, string source, IReadOnlyDictionary<string, string>? headers = null, string? param = null)
    {
        var allHeaders = new Dictionary<string, string>(headers ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase)
        {
            [ErrorSourceHeader] = source,
        };
        var body = JsonSerializer.Serialize(new OpenAiErrorBody(new OpenAiError(message, type, param, code)));
        return new ChatOutcome(statusCode, body, allHeaders);
    }

    /// <summary>Writes the outcome as an HTTP response.</summary>
    /// <returns>The result.</returns>
    public IResult ToResult() => new OutcomeResult(this);

    private sealed class OutcomeResult(ChatOutcome outcome) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = outcome.StatusCode;
            foreach (var (name, value) in outcome.Headers)
            {
                response.Headers[name] = value;
            }

            response.ContentType = "application/json; charset=utf-8";
            await response.Body.WriteAsync(Encoding.UTF8.GetBytes(outcome.Body), httpContext.RequestAborted);
        }
    }
}
