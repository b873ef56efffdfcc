using System.Diagnostics;
using AspireAi.ServiceDefaults.GenAi;

namespace AspireAi.Completion.Providers;

/// <summary>
/// The span of one provider attempt, a child of the request's <c>chat {model}</c> span. The GenAI
/// conventions have that parent span cover the whole logical call with its retries, so each HTTP
/// attempt gets its own span with the attempt number, the deployment, the outcome and the retry delay.
/// </summary>
internal static class UpstreamTelemetry
{
    /// <summary>The attempt spans' name.</summary>
    public const string AttemptSpanName = "upstream attempt";

    /// <summary><c>aspireai.upstream.attempt</c>: the attempt's number within the logical request, from 1.</summary>
    public const string Attempt = "aspireai.upstream.attempt";

    /// <summary><c>aspireai.upstream.attempts</c>: on the request's span, how many attempts it took.</summary>
    public const string Attempts = "aspireai.upstream.attempts";

    /// <summary><c>aspireai.upstream.deployment</c>: the deployment's circuit key, such as <c>gpt-4o:0</c> or <c>upstream:gpt-4o</c>.</summary>
    public const string Deployment = "aspireai.upstream.deployment";

    /// <summary><c>aspireai.upstream.retry_delay</c>: the wait in seconds before the next attempt on the same deployment; absent when none follows.</summary>
    public const string RetryDelay = "aspireai.upstream.retry_delay";

    /// <summary><c>http.request.resend_count</c> from the HTTP conventions: how many attempts came before this one; absent on the first.</summary>
    public const string ResendCount = "http.request.resend_count";

    /// <summary><c>http.response.status_code</c> from the HTTP conventions.</summary>
    public const string StatusCode = "http.response.status_code";

    /// <summary><c>error.type</c>: the status code as text for an HTTP error, <c>timeout</c>, or the exception's type for a connection failure.</summary>
    public const string ErrorType = "error.type";

    /// <summary><c>server.address</c> of the provider.</summary>
    public const string ServerAddress = "server.address";

    /// <summary><c>server.port</c> of the provider.</summary>
    public const string ServerPort = "server.port";

    /// <summary>Starts the span of one attempt as a child of the current span.</summary>
    /// <param name="operation">The GenAI operation, <c>chat</c> or <c>embeddings</c>.</param>
    /// <param name="deployment">The deployment called.</param>
    /// <param name="attempt">The attempt's number within the logical request, from 1.</param>
    /// <returns>The span, or <see langword="null"/> when no listener samples it.</returns>
    public static Activity? StartAttempt(string operation, Deployment deployment, int attempt)
    {
        var activity = GenAiTelemetry.ActivitySource.StartActivity(AttemptSpanName, ActivityKind.Internal);
        if (activity is null)
        {
            return null;
        }

        activity.SetTag(GenAiAttributes.OperationName, operation);
        activity.SetTag(GenAiAttributes.System, deployment.ProviderName);
        activity.SetTag(GenAiAttributes.RequestModel, deployment.UpstreamModel);
        activity.SetTag(Deployment, deployment.Key);
        activity.SetTag(Attempt, attempt);
        if (attempt > 1)
        {
            activity.SetTag(ResendCount, attempt - 1);
        }

        if (deployment.Endpoint.BaseUrl is { IsAbsoluteUri: true } baseUrl)
        {
            activity.SetTag(ServerAddress, baseUrl.Host);
            activity.SetTag(ServerPort, baseUrl.Port);
        }

        return activity;
    }

    /// <summary>Records an attempt's outcome and, when another attempt on the same deployment follows, the wait before it.</summary>
    /// <param name="activity">The attempt's span.</param>
    /// <param name="statusCode">The provider's HTTP status, or <see langword="null"/> when no response came.</param>
    /// <param name="errorType">The failure's type, or <see langword="null"/> on success.</param>
    /// <param name="retryDelay">The wait before the next attempt on this deployment, if one follows.</param>
    public static void RecordOutcome(Activity? activity, int? statusCode, string? errorType, TimeSpan? retryDelay)
    {
        if (activity is null)
        {
            return;
        }

        if (statusCode is { } status)
        {
            activity.SetTag(StatusCode, status);
        }

        if (errorType is not null)
        {
            activity.SetTag(ErrorType, errorType);
            activity.SetStatus(ActivityStatusCode.Error);
        }

        if (retryDelay is { } delay)
        {
            activity.SetTag(RetryDelay, delay.TotalSeconds);
        }
    }
}
