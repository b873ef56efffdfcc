using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.BillingClient;
using AspireAi.Completion.Budgets;
using AspireAi.Completion.Caching;
using AspireAi.Completion.CostControl;
using AspireAi.Completion.RateLimiting;
using AspireAi.Completion.Providers;
using AspireAi.Completion.Streaming;
using AspireAi.Completion.Usage;
using AspireAi.ServiceDefaults.GenAi;
using AspireAi.Tokenization;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireAi.Completion.Chat;

/// <summary>
/// Runs one chat completion through every step: the request rate limit, the cost cap, the cache
/// (with identical concurrent misses sharing one provider call), the token rate limit, the budget
/// reservation, the provider call (streamed or not), usage recording with the reservation settled,
/// the cache write and the response headers.
/// </summary>
public sealed class ChatCompletionPipeline(
    ProviderRouter router,
    ProviderCatalog catalog,
    ResponseCache cache,
    SingleFlight singleFlight,
    CostPlanner costPlanner,
    RateLimiter rateLimiter,
    BudgetAdmission budgets,
    SemanticCache semanticCache,
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

    /// <summary>The header that says how a cache hit matched: <c>exact</c>, or <c>semantic</c> with the similarity.</summary>
    public const string CacheMatchHeader = "x-aspireai-cache-match";

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

        var directives = CacheDirectives.Parse(context.Request, cache.Options, identity, out var directiveError);
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

        var model = catalog.ResolveAlias(request.Model);
        if (!string.Equals(model, request.Model, StringComparison.Ordinal))
        {
            request.Body["model"] = model;
            request = request with { Model = model };
        }

        var (plan, refusal) = await costPlanner.PlanAsync(catalog.PriceProvider(model), request, cap, cancellationToken);
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

            if (await TryGetSimilarAsync(identity, planned, requestId, cancellationToken) is { } similar)
            {
                return similar with { Plan = plan, OccurredAt = occurredAt };
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

        // A cache hit costs nothing, so only a call to the provider reserves budget.
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
            var hitCost = await usage.RecordAsync(requestId, identity, catalog.PriceProvider(plan.Request.Model), cachedUsage, cacheHit: true, admission.OccurredAt);
            return new ChatOutcome(StatusCodes.Status200OK, cached.Body, WithMatch(CostHeaders(hitCost, "hit", cached.Model, plan), admission));
        }

        return await budgets.RunReservedAsync(admission.Reservation, () => CallProviderAsync(admission, identity, requestId, cancellationToken));
    }

    private async Task<(ChatOutcome Outcome, ReportedCost? Cost)> CallProviderAsync(
        Admission admission, ApiKeyIdentity identity, string requestId, CancellationToken cancellationToken)
    {
        var plan = admission.Plan!;
        var request = plan.Request;
        using var activity = GenAiTelemetry.StartModelCall("chat", catalog.PriceProvider(request.Model), request.Model);
        var started = Stopwatch.GetTimestamp();

        using var call = await router.SendAsync(request, stream: false, requestId, cancellationToken);
        if (call.Failure is not null)
        {
            return (call.Failure, null);
        }

        var provider = call.Deployment!.ProviderName;
        var content = await call.ReadCompletionAsync(cancellationToken);
        var body = ParseObject(content);
        if (body is null || body["error"] is not null)
        {
            // A provider error inside a 200 body is still an error.
            Log.UpstreamFailed(logger, provider, StatusCodes.Status200OK, requestId);
            return (UpstreamErrors.Map(UpstreamErrors.EffectiveStatus(StatusCodes.Status200OK, content), null, content), null);
        }

        var chatUsage = ChatUsage.FromResponse(body, request.Model) ?? CountUsage(request, body);
        telemetry.RecordModelCall(activity, new ModelCallRecord("chat", provider, request.Model, chatUsage.Model, chatUsage.InputTokens, chatUsage.OutputTokens, Stopwatch.GetElapsedTime(started)));

        var cost = await usage.RecordAsync(requestId, identity, provider, chatUsage, cacheHit: false, admission.OccurredAt);
        if (admission.CacheWrite is { } write && ResponseCache.CreateEntry(body, chatUsage) is { } entry)
        {
            await TryStoreAsync(write.Key, entry, write.Ttl, requestId, identity, request);
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
            var hitCost = await usage.RecordAsync(requestId, identity, catalog.PriceProvider(plan.Request.Model), cachedUsage, cacheHit: true, admission.OccurredAt);
            WriteHeaders(context.Response, WithMatch(CostHeaders(hitCost, "hit", cached.Model, plan), admission));
            await StartEventStreamAsync(context.Response);
            foreach (var chunk in CachedStream.ToChunks(JsonNode.Parse(cached.Body)!.AsObject(), cachedUsage, request.IncludeUsage))
            {
                await WriteEventAsync(context.Response, chunk, context.RequestAborted);
            }

            await context.Response.Body.WriteAsync(DoneEvent, context.RequestAborted);
            return TypedResults.Empty;
        }

        return await budgets.RunReservedAsync(admission.Reservation, () => RelayStreamAsync(context, admission, identity, requestId));
    }

    private async Task<(IResult Result, ReportedCost? Cost)> RelayStreamAsync(HttpContext context, Admission admission, ApiKeyIdentity identity, string requestId)
    {
        var plan = admission.Plan!;
        var request = plan.Request;
        var aborted = context.RequestAborted;
        using var activity = GenAiTelemetry.StartModelCall("chat", catalog.PriceProvider(request.Model), request.Model);
        var started = Stopwatch.GetTimestamp();

        using var call = await router.SendAsync(request, stream: true, requestId, aborted);
        if (call.Failure is not null)
        {
            return (call.Failure.ToResult(), null);
        }

        var provider = call.Deployment!.ProviderName;
        var assembler = new StreamAssembler(request.Model);
        JsonObject? usageChunk = null;
        var responseStarted = false;
        StreamEnd end;
        try
        {
            await using var upstreamBody = await call.Response!.Content.ReadAsStreamAsync(call.Token);
            end = StreamEnd.Completed;
            await foreach (var item in call.ReadEventsAsync(upstreamBody, request.Model))
            {
                if (item.Data == "[DONE]")
                {
                    break;
                }

                if (ParseObject(item.Data) is not { } chunk)
                {
                    continue;
                }

                if (!responseStarted && chunk["error"] is not null)
                {
                    // An error as the first event of a 200 stream is the provider's failure, and nothing was delivered.
                    Log.UpstreamFailed(logger, provider, StatusCodes.Status200OK, requestId);
                    return (UpstreamErrors.Map(UpstreamErrors.EffectiveStatus(StatusCodes.Status200OK, item.Data), null, item.Data).ToResult(), null);
                }

                if (assembler.Add(chunk))
                {
                    usageChunk = chunk;
                    continue;
                }

                if (!responseStarted)
                {
                    await StartRelayAsync(context.Response, admission, request.Model);
                    responseStarted = true;
                }

                // The provider's own bytes are relayed, so text reaches the client exactly as sent.
                await WriteDataAsync(context.Response, item.Data, aborted);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException && aborted.IsCancellationRequested)
        {
            end = StreamEnd.ClientLeft;
        }
        catch (OperationCanceledException) when (call.TotalTimedOut)
        {
            end = StreamEnd.TotalTimeout;
        }
        catch (UpstreamStreamCutException cut)
        {
            end = cut.Reason == StreamCutReason.IdleTimeout ? StreamEnd.IdleTimeout : StreamEnd.Interrupted;
        }

        if (!responseStarted && end is StreamEnd.IdleTimeout or StreamEnd.TotalTimeout or StreamEnd.Interrupted)
        {
            // Nothing reached the client yet, so it gets a plain error response and nothing is billed.
            Log.StreamCut(logger, requestId, end.ToString(), 0);
            return ((end == StreamEnd.Interrupted ? UpstreamErrors.Unreachable() : UpstreamErrors.Timeout()).ToResult(), null);
        }

        var chatUsage = assembler.Usage is { } reported && end == StreamEnd.Completed
            ? reported with { Model = assembler.Model }
            : CountStreamUsage(request, assembler);
        telemetry.RecordModelCall(activity, new ModelCallRecord("chat", provider, request.Model, chatUsage.Model, chatUsage.InputTokens, chatUsage.OutputTokens, Stopwatch.GetElapsedTime(started)));
        var cost = await usage.RecordAsync(requestId, identity, provider, chatUsage, cacheHit: false, admission.OccurredAt);
        if (end == StreamEnd.ClientLeft)
        {
            Log.StreamAbandoned(logger, requestId, chatUsage.OutputTokens);
            return (TypedResults.Empty, cost);
        }

        if (!responseStarted)
        {
            await StartRelayAsync(context.Response, admission, request.Model);
        }

        if (end != StreamEnd.Completed)
        {
            Log.StreamCut(logger, requestId, end.ToString(), chatUsage.OutputTokens);
            await TryWriteStreamErrorAsync(context.Response, end);
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
            await TryStoreAsync(write.Key, entry, write.Ttl, requestId, identity, request);
        }

        return (TypedResults.Empty, cost);
    }

    private static async Task StartRelayAsync(HttpResponse response, Admission admission, string model)
    {
        response.Headers[CacheHeader] = admission.CacheStatus;
        response.Headers[ModelHeader] = model;
        WriteEstimateHeaders(response, admission.Plan!);
        await StartEventStreamAsync(response);
    }

    /// <summary>Ends a stream that the provider cut with an error event in OpenAI's shape and no <c>[DONE]</c>, so clients see it as incomplete.</summary>
    private static async Task TryWriteStreamErrorAsync(HttpResponse response, StreamEnd end)
    {
        var (message, code) = end switch
        {
            StreamEnd.IdleTimeout => ("The provider sent nothing within the idle timeout, so the stream was cut. The text so far was delivered and billed.", "upstream_idle_timeout"),
            StreamEnd.TotalTimeout => ("The stream reached the request's total timeout. The text so far was delivered and billed.", "upstream_timeout"),
            _ => ("The provider's stream broke off. The text so far was delivered and billed.", "upstream_stream_interrupted"),
        };
        var error = new JsonObject { ["error"] = new JsonObject { ["message"] = message, ["type"] = "upstream_error", ["code"] = code } };
        try
        {
            await WriteEventAsync(response, error, CancellationToken.None);
        }
        catch (IOException)
        {
            // The client left too; the usage is already recorded.
        }
    }

    private static JsonObject? ParseObject(string json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<IAsyncDisposable?> TryAcquireFlightAsync(string cacheKey, string requestId, CancellationToken cancellationToken)
    {
        try
        {
            return await singleFlight.AcquireAsync(cacheKey, options.Value.Upstream.TotalTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The request that was fetching the same response took too long, so this one calls the provider itself.
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

    private async Task TryStoreAsync(string key, CachedCompletion entry, TimeSpan ttl, string requestId, ApiKeyIdentity identity, ChatRequest request)
    {
        try
        {
            await cache.SetAsync(key, entry, ttl);
            if (semanticCache.ThresholdFor(identity) is not null)
            {
                await semanticCache.AddAsync(identity, request, key, ttl, CancellationToken.None);
            }
        }
        catch (RedisException exception)
        {
            Log.CacheUnavailable(logger, requestId, exception);
        }
        catch (HttpRequestException exception)
        {
            // The exact entry is stored; only its semantic twin is missing, which costs a later near match.
            Log.CacheUnavailable(logger, requestId, exception);
        }
    }

    private async Task<Admission?> TryGetSimilarAsync(ApiKeyIdentity identity, ChatRequest request, string requestId, CancellationToken cancellationToken)
    {
        if (semanticCache.ThresholdFor(identity) is not { } threshold)
        {
            return null;
        }

        try
        {
            if (await semanticCache.FindAsync(identity, request, threshold, cancellationToken) is { } similar
                && await TryGetCachedAsync(similar.CacheKey, requestId) is { } cached)
            {
                return new Admission(null, null, cached, "hit", null, null, default, null, similar.Similarity);
            }
        }
        catch (RedisException exception)
        {
            Log.CacheUnavailable(logger, requestId, exception);
        }
        catch (HttpRequestException exception)
        {
            Log.CacheUnavailable(logger, requestId, exception);
        }

        return null;
    }

    private static Dictionary<string, string> WithMatch(Dictionary<string, string> headers, Admission admission)
    {
        headers[CacheMatchHeader] = admission.SemanticSimilarity is { } similarity
            ? string.Create(CultureInfo.InvariantCulture, $"semantic; similarity={similarity:0.000}")
            : "exact";
        return headers;
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

    private static async Task WriteDataAsync(HttpResponse response, string data, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes("data: " + data + "\n\n"), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private static async Task WriteEventAsync(HttpResponse response, JsonObject chunk, CancellationToken cancellationToken)
    {
        var text = "data: " + chunk.ToJsonString() + "\n\n";
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    /// <summary>How a relayed stream ended.</summary>
    private enum StreamEnd
    {
        Completed,
        ClientLeft,
        IdleTimeout,
        TotalTimeout,
        Interrupted,
    }

    /// <summary>What admission decided: a rejection, a cached response, or a call to make.</summary>
    private sealed record Admission(
        ChatOutcome? Outcome,
        CostPlan? Plan,
        CachedCompletion? Cached,
        string CacheStatus,
        (string Key, TimeSpan Ttl)? CacheWrite,
        IAsyncDisposable? Lease,
        DateTimeOffset OccurredAt,
        BudgetReservation? Reservation = null,
        float? SemanticSimilarity = null)
    {
        public static Admission Refused(ChatOutcome outcome) => new(outcome, null, null, "none", null, null, DateTimeOffset.UtcNow);

        public static Admission FromCache(CostPlan plan, CachedCompletion cached, DateTimeOffset occurredAt) =>
            new(null, plan, cached, "hit", null, null, occurredAt);
    }
}
