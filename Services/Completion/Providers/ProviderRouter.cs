using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using AspireAi.Completion.Anthropic;
using AspireAi.Completion.Chat;
using AspireAi.Completion.Streaming;
using Microsoft.Extensions.Options;

namespace AspireAi.Completion.Providers;

/// <summary>
/// The provider call of one logical request, with what reading the response needs: the deployment
/// that responded, its response, and the token that enforces the request's total timeout.
/// </summary>
public sealed class UpstreamCall : IDisposable
{
    private readonly CancellationTokenSource? _totalTimeout;
    private readonly CancellationTokenSource? _linked;

    internal UpstreamCall(RoutePlan plan, Deployment? deployment, HttpResponseMessage? response, ChatOutcome? failure, int attempts, CancellationTokenSource? totalTimeout, CancellationTokenSource? linked)
    {
        Plan = plan;
        Deployment = deployment;
        Response = response;
        Failure = failure;
        Attempts = attempts;
        _totalTimeout = totalTimeout;
        _linked = linked;
    }

    /// <summary>The deployments tried and the timeouts.</summary>
    public RoutePlan Plan { get; }

    /// <summary>The deployment that responded with success; <see langword="null"/> on failure.</summary>
    public Deployment? Deployment { get; }

    /// <summary>The provider's successful response, headers read; the body is still to be read.</summary>
    public HttpResponseMessage? Response { get; }

    /// <summary>The gateway's response when every attempt failed.</summary>
    public ChatOutcome? Failure { get; }

    /// <summary>How many HTTP attempts the request took.</summary>
    public int Attempts { get; }

    /// <summary>Cancelled when the client leaves or the request's total timeout passes; read the body with it.</summary>
    public CancellationToken Token => _linked?.Token ?? CancellationToken.None;

    /// <summary>
    /// Reads the successful body as OpenAI server-sent events, translating them from Anthropic's when
    /// the deployment speaks Anthropic's API, with the plan's idle timeout between events.
    /// </summary>
    /// <param name="body">The response body stream.</param>
    /// <param name="requestedModel">The model to name until the stream names one.</param>
    /// <returns>The events.</returns>
    public IAsyncEnumerable<SseEvent> ReadEventsAsync(Stream body, string requestedModel)
    {
        var events = SseReader.ReadAsync(body, Plan.IdleTimeout, Token);
        return Deployment?.Endpoint.Kind == ProviderKind.Anthropic ? AnthropicProtocol.ToOpenAiEvents(events, requestedModel) : events;
    }

    /// <summary>Reads the successful non-streamed body as an OpenAI chat.completion, translating it from Anthropic's message when needed.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The body.</returns>
    public async Task<string> ReadCompletionAsync(CancellationToken cancellationToken)
    {
        var content = await Response!.Content.ReadAsStringAsync(cancellationToken);
        return Deployment?.Endpoint.Kind == ProviderKind.Anthropic ? AnthropicProtocol.ToOpenAiCompletion(content) : content;
    }

    /// <summary>Whether the total timeout has passed.</summary>
    public bool TotalTimedOut => _totalTimeout?.IsCancellationRequested ?? false;

    /// <inheritdoc />
    public void Dispose()
    {
        Response?.Dispose();
        _linked?.Dispose();
        _totalTimeout?.Dispose();
    }
}

/// <summary>
/// Sends a chat request to the deployments of its model and then of its fallbacks, in a weighted
/// order: each deployment is retried with backoff and jitter on 408, 429, 5xx, timeouts and
/// connection failures, honouring Retry-After, and skipped while its circuit is open.
/// </summary>
public sealed class ProviderRouter(
    IHttpClientFactory clients,
    ProviderCatalog catalog,
    CircuitBreaker breaker,
    IOptions<CompletionOptions> options,
    TimeProvider timeProvider,
    ILogger<ProviderRouter> logger)
{
    /// <summary>The named HttpClient of provider calls; it has no resilience handler, because the router retries itself.</summary>
    public const string HttpClientName = "upstream";

    /// <summary>Calls the providers until one answers with success, a client error, or every option is spent.</summary>
    /// <param name="request">The OpenAI chat request, aliases resolved.</param>
    /// <param name="stream">Whether to ask for a stream.</param>
    /// <param name="requestId">The request id, for logs.</param>
    /// <param name="cancellationToken">Cancelled when the client leaves.</param>
    /// <returns>The call; the caller disposes it.</returns>
    /// <exception cref="OperationCanceledException">The client left.</exception>
    public Task<UpstreamCall> SendAsync(ChatRequest request, bool stream, string requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        var defaultMaxTokens = options.Value.DefaultMaxOutputTokens;
        return SendCoreAsync(
            catalog.Plan(request.Model, request.Route),
            request.Model,
            "chat",
            stream,
            deployment => deployment.Endpoint.Kind == ProviderKind.Anthropic
                ? AnthropicProtocol.CreateChatRequest(deployment, request.Body, stream, defaultMaxTokens)
                : OpenAiProtocol.CreateChatRequest(deployment, request.Body, stream),
            requestId,
            cancellationToken);
    }

    /// <summary>
    /// Sends an embeddings request to the deployments of its model and then of its fallbacks, with the
    /// same retries, circuit breaker and timeouts as chat, and the timeouts of the embeddings route.
    /// </summary>
    /// <param name="body">The OpenAI embeddings request; it is not changed.</param>
    /// <param name="model">The model, aliases resolved.</param>
    /// <param name="requestId">The request id, for logs.</param>
    /// <param name="cancellationToken">Cancelled when the client leaves.</param>
    /// <returns>The call; the caller disposes it.</returns>
    /// <exception cref="OperationCanceledException">The client left.</exception>
    public Task<UpstreamCall> SendEmbeddingsAsync(JsonObject body, string model, string requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentException.ThrowIfNullOrEmpty(model);

        return SendCoreAsync(
            catalog.Plan(model, GatewayRoutes.Embeddings),
            model,
            "embeddings",
            stream: false,
            deployment => OpenAiProtocol.CreateEmbeddingsRequest(deployment, body),
            requestId,
            cancellationToken);
    }

    private async Task<UpstreamCall> SendCoreAsync(
        RoutePlan plan,
        string model,
        string operation,
        bool stream,
        Func<Deployment, HttpRequestMessage?> createRequest,
        string requestId,
        CancellationToken cancellationToken)
    {
        var totalTimeout = new CancellationTokenSource(plan.TotalTimeout, timeProvider);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, totalTimeout.Token);
        var deadline = timeProvider.GetTimestamp() + (long)(plan.TotalTimeout.TotalSeconds * timeProvider.TimestampFrequency);
        var resilience = options.Value.Resilience;
        var http = clients.CreateClient(HttpClientName);
        var attempts = 0;
        ChatOutcome? lastFailure = null;
        TimeSpan? soonestCircuit = null;

        UpstreamCall Fail(ChatOutcome outcome) => new(plan, null, null, outcome, attempts, totalTimeout, linked);

        foreach (var route in plan.Models)
        {
            foreach (var deployment in route.Deployments)
            {
                if (!breaker.TryEnter(deployment.Key, out var retryAt))
                {
                    var wait = retryAt - timeProvider.GetUtcNow();
                    soonestCircuit = soonestCircuit is { } soonest && soonest < wait ? soonest : wait;
                    Log.CircuitSkipped(logger, requestId, deployment.Key);
                    continue;
                }

                for (var retry = 0; ; retry++)
                {
                    attempts++;
                    Attempt attempt;
                    TimeSpan? retryDelay = null;
                    using (var span = UpstreamTelemetry.StartAttempt(operation, deployment, attempts))
                    {
                        attempt = await TryOnceAsync(http, deployment, createRequest, stream, plan.AttemptTimeout, linked.Token);
                        if (attempt.Response is null && attempt.Retryable && !linked.IsCancellationRequested)
                        {
                            retryDelay = NextDelay(attempt, retry, resilience, deadline);
                        }

                        UpstreamTelemetry.RecordOutcome(span, attempt.ResponseStatus, attempt.ErrorType, retryDelay);
                    }

                    if (attempt.Response is { } response)
                    {
                        breaker.RecordSuccess(deployment.Key);
                        Activity.Current?.SetTag(UpstreamTelemetry.Attempts, attempts);
                        Activity.Current?.SetTag(UpstreamTelemetry.Deployment, deployment.Key);
                        return new UpstreamCall(plan, deployment, response, null, attempts, totalTimeout, linked);
                    }

                    cancellationToken.ThrowIfCancellationRequested();
                    if (totalTimeout.IsCancellationRequested)
                    {
                        Log.RequestTimedOut(logger, requestId, plan.TotalTimeout);
                        Activity.Current?.SetTag(UpstreamTelemetry.Attempts, attempts);
                        return Fail(UpstreamErrors.Timeout());
                    }

                    lastFailure = attempt.Failure!;
                    if (attempt.CountsAgainstCircuit && breaker.RecordFailure(deployment.Key))
                    {
                        Log.CircuitOpened(logger, deployment.Key, resilience.CircuitBreakDuration);
                    }

                    if (!attempt.Retryable)
                    {
                        Activity.Current?.SetTag(UpstreamTelemetry.Attempts, attempts);
                        return Fail(lastFailure);
                    }

                    if (retryDelay is not { } delay)
                    {
                        break;
                    }

                    Log.UpstreamRetrying(logger, requestId, deployment.Key, delay, attempt.Status);
                    try
                    {
                        await Task.Delay(delay, timeProvider, linked.Token);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        Activity.Current?.SetTag(UpstreamTelemetry.Attempts, attempts);
                        return Fail(UpstreamErrors.Timeout());
                    }
                }

                Log.DeploymentGivenUp(logger, requestId, deployment.Key);
            }
        }

        Activity.Current?.SetTag(UpstreamTelemetry.Attempts, attempts);
        if (lastFailure is not null)
        {
            return Fail(lastFailure);
        }

        if (soonestCircuit is { } reopen)
        {
            return Fail(UpstreamErrors.CircuitOpen(reopen));
        }

        return Fail(ChatOutcome.Error(
            StatusCodes.Status404NotFound,
            $"No provider serves the model '{model}'. Add deployments under Completion:Models:{model}:Deployments or set Completion:Upstream:BaseUrl.",
            "invalid_request_error",
            "model_not_found",
            "gateway",
            param: "model"));
    }

    private async Task<Attempt> TryOnceAsync(
        HttpClient http, Deployment deployment, Func<Deployment, HttpRequestMessage?> createRequest, bool stream, TimeSpan attemptTimeout, CancellationToken cancellationToken)
    {
        HttpRequestMessage? created;
        try
        {
            created = createRequest(deployment);
        }
        catch (UntranslatableContentException exception)
        {
            var invalid = ChatOutcome.Error(StatusCodes.Status400BadRequest, exception.Message, "invalid_request_error", "untranslatable_content", "gateway", param: "messages");
            return new Attempt(null, invalid, 400, Retryable: false, CountsAgainstCircuit: false, null) { ErrorType = "untranslatable_content" };
        }

        using var message = created;
        if (message is null)
        {
            // The deployment's protocol has no such operation, such as embeddings on Anthropic's API.
            return new Attempt(null, UpstreamErrors.Unsupported(deployment), 400, Retryable: false, CountsAgainstCircuit: false, null) { ErrorType = "unsupported_operation" };
        }

        using var attemptTimeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attemptTimeoutSource.CancelAfter(attemptTimeout);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, stream ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead, attemptTimeoutSource.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Log.DeploymentAttemptTimedOut(logger, deployment.Key, attemptTimeout);
            return new Attempt(null, UpstreamErrors.Timeout(), 504, Retryable: true, CountsAgainstCircuit: true, null) { ErrorType = "timeout" };
        }
        catch (OperationCanceledException)
        {
            return new Attempt(null, UpstreamErrors.Timeout(), 504, Retryable: false, CountsAgainstCircuit: false, null) { ErrorType = "timeout" };
        }
        catch (HttpRequestException exception)
        {
            Log.DeploymentUnreachable(logger, deployment.Key, deployment.ProviderName, exception);
            return new Attempt(null, UpstreamErrors.Unreachable(), 502, Retryable: true, CountsAgainstCircuit: true, null) { ErrorType = exception.GetType().FullName };
        }

        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
        {
            return new Attempt(response, null, status, false, false, null) { ResponseStatus = status };
        }

        using (response)
        {
            string content;
            try
            {
                content = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException or OperationCanceledException)
            {
                content = string.Empty;
            }

            var effective = UpstreamErrors.EffectiveStatus(status, content);
            var retryAfter = ReadRetryAfter(response);
            Log.DeploymentReturnedError(logger, deployment.Key, deployment.ProviderName, status);
            var retryable = effective is StatusCodes.Status408RequestTimeout or StatusCodes.Status429TooManyRequests or >= 500;
            var countsAgainstCircuit = effective >= 500;
            return new Attempt(null, UpstreamErrors.Map(effective, retryAfter, content), status, retryable, countsAgainstCircuit, retryAfter)
            {
                ResponseStatus = status,
                ErrorType = status.ToString(CultureInfo.InvariantCulture),
            };
        }
    }

    private TimeSpan? ReadRetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter is not { } header)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta;
        }

        if (header.Date is not { } date)
        {
            return null;
        }

        var wait = date - timeProvider.GetUtcNow();
        return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
    }

    /// <summary>Returns the wait before the next attempt on the same deployment, or <see langword="null"/> when the deployment is given up.</summary>
    private TimeSpan? NextDelay(Attempt attempt, int retry, ProviderResilienceOptions resilience, long deadline)
    {
        if (retry >= resilience.MaxRetries || (attempt.RetryAfter is { } retryAfter && retryAfter > resilience.MaxRetryAfter))
        {
            return null;
        }

        var delay = attempt.RetryAfter ?? Backoff(retry, resilience);
        var remaining = TimeSpan.FromSeconds((deadline - timeProvider.GetTimestamp()) / (double)timeProvider.TimestampFrequency);
        return delay < remaining ? delay : null;
    }

    private static TimeSpan Backoff(int retry, ProviderResilienceOptions resilience)
    {
        var exponential = resilience.BaseDelay * Math.Pow(2, retry);
        var jitter = exponential * (Random.Shared.NextDouble() / 2);
        var delay = exponential + jitter;
        return delay > resilience.MaxDelay ? resilience.MaxDelay : delay;
    }

    private sealed record Attempt(HttpResponseMessage? Response, ChatOutcome? Failure, int Status, bool Retryable, bool CountsAgainstCircuit, TimeSpan? RetryAfter)
    {
        /// <summary>The provider's HTTP status; <see langword="null"/> when no response came.</summary>
        public int? ResponseStatus { get; init; }

        /// <summary>The failure's <c>error.type</c>; <see langword="null"/> on success.</summary>
        public string? ErrorType { get; init; }
    }
}
