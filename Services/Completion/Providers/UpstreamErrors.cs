using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.Completion.Chat;

namespace AspireAi.Completion.Providers;

/// <summary>Maps a provider's failure to the gateway's response: 429 stays 429 with Retry-After, 5xx becomes 502, timeouts 504.</summary>
public static class UpstreamErrors
{
    // Error codes and types that mean "rate limited" in OpenAI's and Anthropic's error bodies.
    private static readonly HashSet<string> RateLimitCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        "rate_limit_exceeded", "rate_limit_error", "requests", "tokens", "429",
    };

    /// <summary>Reads the status a provider meant: a 5xx or 200 whose error body contains a rate-limit code is a 429.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="content">The body.</param>
    /// <returns>The effective status.</returns>
    public static int EffectiveStatus(int status, string content)
    {
        if (status is >= 500 or 200 && ReadError(content) is { } error
            && (IsRateLimit(error["code"]) || IsRateLimit(error["type"]) || IsRateLimit(error["status"])))
        {
            return StatusCodes.Status429TooManyRequests;
        }

        return status;
    }

    /// <summary>Maps a provider's error response to the gateway's outcome.</summary>
    /// <param name="status">The effective status (see <see cref="EffectiveStatus"/>).</param>
    /// <param name="retryAfter">The provider's Retry-After, if any.</param>
    /// <param name="content">The provider's body.</param>
    /// <returns>The outcome.</returns>
    public static ChatOutcome Map(int status, TimeSpan? retryAfter, string content)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (status == StatusCodes.Status429TooManyRequests)
        {
            // A provider that sends no Retry-After still gets one, so clients know when to come back.
            var seconds = Math.Max(1, (int)Math.Ceiling((retryAfter ?? TimeSpan.FromSeconds(1)).TotalSeconds));
            headers["Retry-After"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // The provider's own text may also name a wait, so it is quoted apart from the gateway's sentence.
            var message = $"The provider's rate limit was reached, so retry after {seconds} s.";
            if (ReadMessage(content) is { Length: > 0 } detail)
            {
                message += $" Provider message: {detail}";
            }

            return ChatOutcome.Error(status, message, "rate_limit_error", "upstream_rate_limited", "provider", headers);
        }

        if (status >= 500 || status == StatusCodes.Status200OK)
        {
            var detail = ReadMessage(content) is { } message ? $": {message}" : ".";
            var text = status == StatusCodes.Status200OK
                ? $"The provider returned an error inside a successful response{detail}"
                : $"The provider failed with status {status}{detail}";
            return ChatOutcome.Error(StatusCodes.Status502BadGateway, text, "upstream_error", status == StatusCodes.Status200OK ? "upstream_invalid_response" : "upstream_server_error", "provider");
        }

        if (status == (int)HttpStatusCode.RequestTimeout)
        {
            return Timeout();
        }

        // Another 4xx describes the client's request, so the provider's body is passed on when it is JSON.
        headers[ChatOutcome.ErrorSourceHeader] = "provider";
        return ReadError(content) is not null
            ? new ChatOutcome(status, content, headers)
            : ChatOutcome.Error(status, $"The provider rejected the request with status {status}.", "invalid_request_error", "upstream_rejected", "provider", headers);
    }

    /// <summary>The outcome of a deployment whose protocol has no such operation, such as embeddings on Anthropic's API.</summary>
    /// <param name="deployment">The deployment.</param>
    /// <returns>A 400 in OpenAI's shape.</returns>
    public static ChatOutcome Unsupported(Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);

        return ChatOutcome.Error(
            StatusCodes.Status400BadRequest,
            $"Deployment {deployment.Key} uses provider kind {deployment.Endpoint.Kind}, which has no embeddings API. Point the model's deployments at an OpenAI, Azure OpenAI or OpenAI-compatible provider.",
            "invalid_request_error",
            "unsupported_operation",
            "gateway",
            param: "model");
    }

    /// <summary>The outcome of a provider that did not answer in time.</summary>
    /// <returns>A 504.</returns>
    public static ChatOutcome Timeout() =>
        ChatOutcome.Error(StatusCodes.Status504GatewayTimeout, "The provider did not respond in time. Retry, or raise TotalTimeout under Completion:Models:<model> or Completion:Routes:<route>.", "timeout", "upstream_timeout", "provider");

    /// <summary>The outcome of a provider that could not be reached.</summary>
    /// <returns>A 502.</returns>
    public static ChatOutcome Unreachable() =>
        ChatOutcome.Error(StatusCodes.Status502BadGateway, "The provider could not be reached. Retry shortly.", "upstream_error", "upstream_unreachable", "provider");

    /// <summary>The outcome when every deployment's circuit is open.</summary>
    /// <param name="retryAfter">When the first circuit lets a call through again.</param>
    /// <returns>A 502 with Retry-After.</returns>
    public static ChatOutcome CircuitOpen(TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Retry-After"] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        return ChatOutcome.Error(StatusCodes.Status502BadGateway, $"The provider is failing and calls to it are paused. Retry after {seconds} s.", "upstream_error", "upstream_circuit_open", "provider", headers);
    }

    /// <summary>Returns the <c>error</c> object of a provider's body (OpenAI's and Anthropic's shapes alike), if it has one.</summary>
    /// <param name="content">The body.</param>
    /// <returns>The error object, or <see langword="null"/>.</returns>
    public static JsonObject? ReadError(string content)
    {
        try
        {
            return JsonNode.Parse(content) is JsonObject body && body["error"] is JsonObject error ? error : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? ReadMessage(string content) =>
        ReadError(content)?["message"] is JsonValue message && message.GetValueKind() == JsonValueKind.String ? message.GetValue<string>() : null;

    private static bool IsRateLimit(JsonNode? node) =>
        node is JsonValue value && value.ToString() is { Length: > 0 } text && RateLimitCodes.Contains(text);
}
