using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.BillingClient;
using AspireAi.Completion.Budgets;
using AspireAi.Completion.Caching;
using AspireAi.Completion.CostControl;
using AspireAi.Completion.RateLimiting;
using AspireAi.Completion.Upstream;
using AspireAi.Completion.Usage;
using AspireAi.ServiceDefaults.GenAi;
using AspireAi.Tokenization;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace AspireAi.Completion.Chat;

/// <summary>
/// Runs one chat completion through every step: the request rate limit, the cost cap, the cache
/// (with identical concurrent misses sharing one provider call), the token rate limit, the budget
/// reservation, the provider call (streamed or not), usage recording with the reservation settled,
/// the cache write and the response headers.
/// </summary>
public sealed class ChatCompletionPipeline(
    UpstreamClient upstream,
    ResponseCache cache,
    SingleFlight singleFlight,
    CostPlanner costPlanner,
    RateLimiter rateLimiter,
    BudgetAdmission budgets,
    UsageReporter usage,
    GenAiTelemetry telemetry,
    IOptions<CompletionOptions> options,
    ILogger<ChatCompletionPipeline> logger)
{
    /// <summary>The header with the billed cost in US dollars.</summary>
    public const string CostHeader = "x-aspireai-cost";

    /// <summary>The header with the estimated highest cost in US dollars, made before the provider was called.</summary>
    public const string EstimatedCostHeader = "x-aspireai-estimated-cost";

    /// <summary>The header with the cache status: hit, miss or bypass.</summary>
    public const string CacheHeader = "x-aspireai-cache";

    /// <summary>The header with what a cache hit saved, in US dollars.</summary>
    public const string SavedCostHeader = "x-aspireai-saved-cost";

    /// <summary>The header with the model that served the request.</summary>
    public const string ModelHeader = "x-aspireai-model";

    /// <summary>The header that names the cheaper alternative a cost cap chose.</summary>
    public const string AlternativeHeader = "x-aspireai-cost-alternative";

    /// <summary>The header with the request id, which is the ledger's key.</summary>
    public const string RequestIdHeader = "x-request-id";

    private static readonly byte[] DoneEvent = "data: [DONE]\n\n"u8.ToArray();

    /// <summary>Serves a validated request from the HTTP route, streamed or not.</summary>
    /// <param name="context">The HTTP context.</param>
    /// <param name="request">The request.</param>
    /// <param name="identity">The caller.</param>
    /// <returns>The result; for a stream the body has already been written.</returns>
    public async Task<IResult> ExecuteAsync(HttpContext context, ChatRequest request, ApiKeyIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(identity);

        var directives = CacheDirectives.Parse(context.Request, cache.Options, out var directiveError);
        if (directiveError is not null)
        {
            return InvalidRequest(directiveError).ToResult();
        }

        if (!CostPlanner.TryReadCap(context.Request, request.Body, out var cap, out var capError))
        {
            return InvalidRequest(capError!, "aspireai.max_cost").ToResult();
        }

        if (!request.Stream)
        {
            return (await RunAsync(request, identity, directives, cap, context.RequestAborted)).ToResult();
        }

        var requestId = NewRequestId();
        context.Response.Headers[RequestIdHeader] = requestId;
        var admission = await AdmitAsync(request, identity, directives, cap, requestId, context.RequestAborted);
        if (admission.Outcome is not null)
        {
            return admission.Outcome.ToResult();
        }

        await using (admission.Lease)
        {
            return await StreamAsync(context, admission, identity, requestId);
        }
    }

    /// <summary>
    /// Runs a non-streamed request to its outcome. The HTTP route, the batch route and the job
    /// workers all use it, so every one of them is rate limited, capped, cached and billed alike.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <param name="identity">The caller.</param>
    /// <param name="directives">The cache directives.</param>
    /// <param name="cap">The cost cap, if any.</param>
    /// <param name="cancellationToken">Cancels the work; usage already incurred is still recorded.</param>
    /// <param name="requestId">The ledger key; a job passes a stable one so a rerun after a crash is not billed twice.</param>
    /// <returns>The outcome, with the gateway's headers.</returns>
    public async Task<ChatOutcome> RunAsync(
        ChatRequest request, ApiKeyIdentity identity, CacheDirectives directives, decimal? cap, CancellationToken cancellationToken, string? requestId = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(directives);

        // Batches and jobs always run to completion, so a stream flag in their items is dropped.
        request.Body.Remove("stream");
        request.Body.Remove("stream_options");
        requestId ??= NewRequestId();
        var admission = await AdmitAsync(request with { Stream = false, IncludeUsage = false }, identity, directives, cap, requestId, cancellationToken);
        if (admission.Outcome is not null)
        {
            return WithRequestId(admission.Outcome, requestId);
        }

        await using (admission.Lease)
        {
            return WithRequestId(await CompleteAsync(admission, identity, requestId, cancellationToken), requestId);
        }
    }

    private async Task<Admission> AdmitAsync(
        ChatRequest request, ApiKeyIdentity identity, CacheDirectives directives, decimal? cap, string requestId, CancellationToken cancellationToken)
    {
        var occurredAt = DateTimeOffset.UtcNow;
        Activity.Current?.SetTag(GenAiAttributes.TenantId, identity.TenantId.ToString());

        if (await rateLimiter.TryTakeAsync(identity, RateLimitKind.Requests, 1) is { } requestLimit)
        {
            return Admission.Refused(requestLimit);
        }

        var (plan, refusal) = await costPlanner.PlanAsync(upstream.Provider, request, cap, cancellationToken);
        if (refusal is not null)
        {
            return Admission.Refused(refusal);
        }

        var planned = plan!.Request;
        var cacheKey = CacheKey.Compute(identity.TenantId, planned.Body);
        IAsyncDisposable? lease = null;
        if (directives.Lookup)
        {
            if (await TryGetCachedAsync(cacheKey, requestId) is { } cached)
            {
                return Admission.FromCache(plan, cached, occurredAt);
            }

            if (directives.Store)
            {
                lease = await TryAcquireFlightAsync(cacheKey, requestId, cancellationToken);
                if (lease is null && await TryGetCachedAsync(cacheKey, requestId) is { } shared)
                {
                    return Admission.FromCache(plan, shared, occurredAt);
                }
            }
        }

        var cacheStatus = directives.Lookup ? "miss" : "bypass";
        telemetry.CacheRequests.Add(1, new KeyValuePair<string, object?>(GenAiAttributes.CacheStatus, cacheStatus));

        if (await rateLimiter.TryTakeAsync(identity, RateLimitKind.Tokens, plan.Estimate.TotalTokens) is { } tokenLimit)
        {
            if (lease is not null)
            {
                await lease.DisposeAsync();
            }

            return Admission.Refused(tokenLimit);
        }

        // A cache hit costs nothing, so only a call to the provider holds budget.
        var budget = await budgets.ReserveAsync(identity, planned.Model, plan.Estimate.Cost ?? 0m, requestId, cancellationToken);
        if (!budget.IsAdmitted)
        {
            if (lease is not null)
            {
                await lease.DisposeAsync();
            }

            return Admission.Refused(budget.Rejection!);
        }

        Log.ChatCompletionStarted(logger, requestId, identity.TenantId, planned.Model, planned.Stream, cacheStatus);
        return new Admission(null, plan, null, cacheStatus, directives.Store ? (cacheKey, directives.Ttl) : null, lease, occurredAt, budget.Reservation);
    }

    private async Task<ChatOutcome> CompleteAsync(Admission admission, ApiKeyIdentity identity, string requestId, CancellationToken cancellationToken)
    {
        var plan = admission.Plan!;
        if (admission.Cached is { } cached)
        {
            var cachedUsage = new ChatUsage(cached.Model, cached.InputTokens, cached.CachedInputTokens, cached.OutputTokens);
            var hitCost = await usage.RecordAsync(requestId, identity, upstream.Provider, cachedUsage, cacheHit: true, admission.OccurredAt);
            return new ChatOutcome(StatusCodes.Status200OK, cached.Body, CostHeaders(hitCost, "hit", cached.Model, plan));
        }

        var settled = false;
        try
        {
            var (outcome, cost) = await CallProviderAsync(admission, identity, requestId, cancellationToken);
            if (cost is not null && admission.Reservation is { } reservation)
            {
                await budgets.SettleAsync(reservation, cost.Cost);
                settled = true;
            }

            return outcome;
        }
        finally
        {
            if (!settled && admission.Reservation is { } reservation)
            {
                await budgets.ReleaseAsync(reservation);
            }
        }
    }

    private async Task<(ChatOutcome Outcome, ReportedCost? Cost)> CallProviderAsync(
        Admission admission, ApiKeyIdentity identity, string requestId, CancellationToken cancellationToken)
    {
        var plan = admission.Plan!;
        var request = plan.Request;
        using var activity = GenAiTelemetry.StartModelCall("chat", upstream.Provider, request.Model);
        var started = Stopwatch.GetTimestamp();

        using var response = await SendAsync(request, requestId, cancellationToken);
        if (response.Failure is not null)
        {
            return (response.Failure, null);
        }

        var content = await response.Message!.Content.ReadAsStringAsync(cancellationToken);
        if (!response.Message.IsSuccessStatusCode)
        {
            return (MapUpstreamError(response.Message, content, requestId), null);
        }

        JsonObject? body;
        try
        {
            body = JsonNode.Parse(content) as JsonObject;
        }
        catch (JsonException)
        {
            body = null;
        }

        if (body is null || body["error"] is not null)
        {
            // A provider error inside a 200 body is still an error.
            Log.UpstreamFailed(logger, upstream.Provider, (int)response.Message.StatusCode, requestId);
            return (ChatOutcome.Error(StatusCodes.Status502BadGateway, "The provider returned an error or an unreadable body with status 200.", "upstream_error", "upstream_invalid_response", "provider"), null);
        }

        var chatUsage = ChatUsage.FromResponse(body, request.Model) ?? CountUsage(request, body);
        telemetry.RecordModelCall(activity, new ModelCallRecord("chat", upstream.Provider, request.Model, chatUsage.Model, chatUsage.InputTokens, chatUsage.OutputTokens, Stopwatch.GetElapsedTime(started)));

        var cost = await usage.RecordAsync(requestId, identity, upstream.Provider, chatUsage, cacheHit: false, admission.OccurredAt);
        if (admission.CacheWrite is { } write && ResponseCache.CreateEntry(body, chatUsage) is { } entry)
        {
            await TryStoreAsync(write.Key, entry, write.Ttl, requestId);
        }

        return (new ChatOutcome(StatusCodes.Status200OK, content, CostHeaders(cost, admission.CacheStatus, chatUsage.Model, plan)), cost);
    }

    private async Task<IResult> StreamAsync(HttpContext context, Admission admission, ApiKeyIdentity identity, string requestId)
    {
        var plan = admission.Plan!;
        var request = plan.Request;
        if (admission.Cached is { } cached)
        {
            var cachedUsage = new ChatUsage(cached.Model, cached.InputTokens, cached.CachedInputTokens, cached.OutputTokens);
            var hitCost = await usage.RecordAsync(requestId, identity, upstream.Provider, cachedUsage, cacheHit: true, admission.OccurredAt);
            WriteHeaders(context.Response, CostHeaders(hitCost, "hit", cached.Model, plan));
            await StartEventStreamAsync(context.Response);
            foreach (var chunk in CachedStream.ToChunks(JsonNode.Parse(cached.Body)!.AsObject(), cachedUsage, request.IncludeUsage))
            {
                await WriteEventAsync(context.Response, chunk, context.RequestAborted);
            }

            await context.Response.Body.WriteAsync(DoneEvent, context.RequestAborted);
            return TypedResults.Empty;
        }

        var settled = false;
        try
        {
            var (result, cost) = await RelayStreamAsync(context, admission, identity, requestId);
            if (cost is not null && admission.Reservation is { } reservation)
            {
                await budgets.SettleAsync(reservation, cost.Cost);
                settled = true;
            }

            return result;
        }
        finally
        {
            if (!settled && admission.Reservation is { } reservation)
            {
                await budgets.ReleaseAsync(reservation);
            }
        }
    }

    private async Task<(IResult Result, ReportedCost? Cost)> RelayStreamAsync(HttpContext context, Admission admission, ApiKeyIdentity identity, string requestId)
    {
        var plan = admission.Plan!;
        var request = plan.Request;
        using var activity = GenAiTelemetry.StartModelCall("chat", upstream.Provider, request.Model);
        var started = Stopwatch.GetTimestamp();

        // Usage is always asked for, so the stream is billed from the provider's own counts; the
        // usage chunk reaches the client only if the client asked for it too.
        request.Body["stream_options"] = new JsonObject { ["include_usage"] = true };
        using var response = await SendAsync(request, requestId, context.RequestAborted);
        if (response.Failure is not null)
        {
            return (response.Failure.ToResult(), null);
        }

        if (!response.Message!.IsSuccessStatusCode)
        {
            var errorContent = await response.Message.Content.ReadAsStringAsync(context.RequestAborted);
            return (MapUpstreamError(response.Message, errorContent, requestId).ToResult(), null);
        }

        var assembler = new StreamAssembler(request.Model);
        JsonObject? usageChunk = null;
        var abandoned = false;
        context.Response.Headers[CacheHeader] = admission.CacheStatus;
        context.Response.Headers[ModelHeader] = request.Model;
        WriteEstimateHeaders(context.Response, plan);
        await StartEventStreamAsync(context.Response);
        try
        {
            await using var upstreamBody = await response.Message.Content.ReadAsStreamAsync(context.RequestAborted);
            // StreamReader decodes UTF-8 across read boundaries, so a character split between two
            // network reads comes out whole.
            using var reader = new StreamReader(upstreamBody, Encoding.UTF8);
            while (await reader.ReadLineAsync(context.RequestAborted) is { } line)
            {
                if (!line.StartsWith("data:", StringComparison.Ordinal))
                {
                    // Blank separators, comments (keep-alives) and event:, id: or retry: fields.
                    continue;
                }

                var payload = line.AsSpan(5).Trim();
                if (payload.SequenceEqual("[DONE]"))
                {
                    break;
                }

                JsonObject? chunk;
                try
                {
                    chunk = JsonNode.Parse(payload.ToString()) as JsonObject;
                }
                catch (JsonException)
                {
                    chunk = null;
                }

                if (chunk is null)
                {
                    continue;
                }

                if (assembler.Add(chunk))
                {
                    usageChunk = chunk;
                    continue;
                }

                await WriteEventAsync(context.Response, chunk, context.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            abandoned = true;
        }
        catch (IOException) when (context.RequestAborted.IsCancellationRequested)
        {
            abandoned = true;
        }

        var chatUsage = assembler.Usage is { } reported && !abandoned
            ? reported with { Model = assembler.Model }
            : CountStreamUsage(request, assembler);
        telemetry.RecordModelCall(activity, new ModelCallRecord("chat", upstream.Provider, request.Model, chatUsage.Model, chatUsage.InputTokens, chatUsage.OutputTokens, Stopwatch.GetElapsedTime(started)));
        var cost = await usage.RecordAsync(requestId, identity, upstream.Provider, chatUsage, cacheHit: false, admission.OccurredAt);
        if (abandoned)
        {
            Log.StreamAbandoned(logger, requestId, chatUsage.OutputTokens);
            return (TypedResults.Empty, cost);
        }

        if (request.IncludeUsage)
        {
            usageChunk ??= new JsonObject
            {
                ["id"] = assembler.Id,
                ["object"] = "chat.completion.chunk",
                ["created"] = assembler.Created,
                ["model"] = assembler.Model,
                ["choices"] = new JsonArray(),
            };
            usageChunk["usage"] = CachedStream.UsageObject(chatUsage);
            usageChunk["aspireai"] = new JsonObject { ["cost"] = cost.Cost, ["cache"] = admission.CacheStatus };
            await WriteEventAsync(context.Response, usageChunk, CancellationToken.None);
        }

        await context.Response.Body.WriteAsync(DoneEvent, CancellationToken.None);

        if (admission.CacheWrite is { } write && assembler.IsComplete && !assembler.HasNonTextContent
            && ResponseCache.CreateEntry(assembler.ToCompletion(chatUsage), chatUsage) is { } entry)
        {
            await TryStoreAsync(write.Key, entry, write.Ttl, requestId);
        }

        return (TypedResults.Empty, cost);
    }

    private async Task<IAsyncDisposable?> TryAcquireFlightAsync(string cacheKey, string requestId, CancellationToken cancellationToken)
    {
        try
        {
            return await singleFlight.AcquireAsync(cacheKey, options.Value.Upstream.TotalTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The request that was fetching the same answer took too long: fetch it ourselves.
            return null;
        }
        catch (RedisException exception)
        {
            Log.CacheUnavailable(logger, requestId, exception);
            return null;
        }
    }

    private async Task<CachedCompletion?> TryGetCachedAsync(string cacheKey, string requestId)
    {
        try
        {
            var cached = await cache.GetAsync(cacheKey);
            if (cached is not null)
            {
                telemetry.CacheRequests.Add(1, new KeyValuePair<string, object?>(GenAiAttributes.CacheStatus, "hit"));
            }

            return cached;
        }
        catch (RedisException exception)
        {
            Log.CacheUnavailable(logger, requestId, exception);
            return null;
        }
    }

    private async Task<UpstreamResponse> SendAsync(ChatRequest request, string requestId, CancellationToken cancellationToken)
    {
        try
        {
            return new UpstreamResponse(await upstream.SendChatAsync(request.Body, request.Stream, cancellationToken), null);
        }
        catch (TimeoutRejectedException)
        {
            Log.UpstreamTimedOut(logger, upstream.Provider, requestId);
            return new UpstreamResponse(null, ChatOutcome.Error(StatusCodes.Status504GatewayTimeout, "The provider did not answer in time.", "timeout", "upstream_timeout", "provider"));
        }
        catch (BrokenCircuitException exception)
        {
            Log.UpstreamUnreachable(logger, upstream.Provider, requestId, exception);
            return new UpstreamResponse(null, ChatOutcome.Error(StatusCodes.Status502BadGateway, "The provider is failing and calls to it are paused for a short time. Retry shortly.", "upstream_error", "upstream_circuit_open", "provider"));
        }
        catch (HttpRequestException exception)
        {
            Log.UpstreamUnreachable(logger, upstream.Provider, requestId, exception);
            return new UpstreamResponse(null, ChatOutcome.Error(StatusCodes.Status502BadGateway, "The provider could not be reached.", "upstream_error", "upstream_unreachable", "provider"));
        }
    }

    private ChatOutcome MapUpstreamError(HttpResponseMessage response, string content, string requestId)
    {
        var status = (int)response.StatusCode;
        Log.UpstreamFailed(logger, upstream.Provider, status, requestId);

        if (status >= 500)
        {
            return ChatOutcome.Error(StatusCodes.Status502BadGateway, $"The provider failed with status {status}.", "upstream_error", "upstream_server_error", "provider");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [ChatOutcome.ErrorSourceHeader] = "provider" };
        if (response.StatusCode == HttpStatusCode.TooManyRequests && response.Headers.RetryAfter is { } retryAfter)
        {
            headers["Retry-After"] = retryAfter.ToString();
        }

        // A 4xx from the provider describes the client's request, so its body is passed on.
        return IsJsonObject(content)
            ? new ChatOutcome(status, content, headers)
            : ChatOutcome.Error(status, $"The provider returned status {status}.", "upstream_error", "upstream_error", "provider", headers);
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            return JsonNode.Parse(text) is JsonObject;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static ChatUsage CountUsage(ChatRequest request, JsonObject body)
    {
        var text = string.Concat((body["choices"] as JsonArray ?? [])
            .OfType<JsonObject>()
            .Select(choice => choice["message"]?["content"]?.GetValueKind() == JsonValueKind.String ? choice["message"]!["content"]!.GetValue<string>() : string.Empty));
        var model = body["model"]?.GetValueKind() == JsonValueKind.String ? body["model"]!.GetValue<string>() : request.Model;
        return new ChatUsage(model, TokenCounter.Shared.CountChat(model, request.PromptText()), 0, TokenCounter.Shared.CountText(model, text));
    }

    private static ChatUsage CountStreamUsage(ChatRequest request, StreamAssembler assembler)
    {
        // The provider sent no usage, or the client left before it came: count what was asked and delivered.
        var input = assembler.Usage?.InputTokens ?? TokenCounter.Shared.CountChat(assembler.Model, request.PromptText());
        var cached = Math.Min(assembler.Usage?.CachedInputTokens ?? 0, input);
        return new ChatUsage(assembler.Model, input, cached, TokenCounter.Shared.CountText(assembler.Model, assembler.AllText));
    }

    private async Task TryStoreAsync(string key, CachedCompletion entry, TimeSpan ttl, string requestId)
    {
        try
        {
            await cache.SetAsync(key, entry, ttl);
        }
        catch (RedisException exception)
        {
            Log.CacheUnavailable(logger, requestId, exception);
        }
    }

    private static string NewRequestId() => "req_" + Guid.CreateVersion7().ToString("N");

    private static ChatOutcome InvalidRequest(string message, string? param = null) =>
        ChatOutcome.Error(StatusCodes.Status400BadRequest, message, "invalid_request_error", "invalid_request", "gateway", param: param);

    private static ChatOutcome WithRequestId(ChatOutcome outcome, string requestId)
    {
        var headers = new Dictionary<string, string>(outcome.Headers, StringComparer.OrdinalIgnoreCase) { [RequestIdHeader] = requestId };
        return outcome with { Headers = headers };
    }

    private static Dictionary<string, string> CostHeaders(ReportedCost cost, string cacheStatus, string model, CostPlan plan)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [CacheHeader] = cacheStatus,
            [ModelHeader] = model,
            [CostHeader] = cost.Priced ? cost.Cost.ToString(CultureInfo.InvariantCulture) : "unpriced",
        };
        if (cacheStatus == "hit")
        {
            headers[SavedCostHeader] = cost.SavedCost.ToString(CultureInfo.InvariantCulture);
        }

        if (plan.Estimate.Cost is { } estimate)
        {
            headers[EstimatedCostHeader] = estimate.ToString(CultureInfo.InvariantCulture);
        }

        if (plan.Alternative is { } alternative)
        {
            headers[AlternativeHeader] = alternative;
        }

        return headers;
    }

    private static void WriteEstimateHeaders(HttpResponse response, CostPlan plan)
    {
        if (plan.Estimate.Cost is { } estimate)
        {
            response.Headers[EstimatedCostHeader] = estimate.ToString(CultureInfo.InvariantCulture);
        }

        if (plan.Alternative is { } alternative)
        {
            response.Headers[AlternativeHeader] = alternative;
        }
    }

    private static void WriteHeaders(HttpResponse response, IReadOnlyDictionary<string, string> headers)
    {
        foreach (var (name, value) in headers)
        {
            response.Headers[name] = value;
        }
    }

    private static async Task StartEventStreamAsync(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.StartAsync();
    }

    private static async Task WriteEventAsync(HttpResponse response, JsonObject chunk, CancellationToken cancellationToken)
    {
        var text = "data: " + chunk.ToJsonString() + "\n\n";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>What admission decided: a refusal, a cached answer, or a call to make.</summary>
    private sealed record Admission(
        ChatOutcome? Outcome,
        CostPlan? Plan,
        CachedCompletion? Cached,
        string CacheStatus,
        (string Key, TimeSpan Ttl)? CacheWrite,
        IAsyncDisposable? Lease,
        DateTimeOffset OccurredAt,
        BudgetReservation? Reservation = null)
    {
        public static Admission Refused(ChatOutcome outcome) => new(outcome, null, null, "none", null, null, DateTimeOffset.UtcNow);

        public static Admission FromCache(CostPlan plan, CachedCompletion cached, DateTimeOffset occurredAt) =>
            new(null, plan, cached, "hit", null, null, occurredAt);
    }

    private sealed record UpstreamResponse(HttpResponseMessage? Message, ChatOutcome? Failure) : IDisposable
    {
        public void Dispose() => Message?.Dispose();
    }
}
