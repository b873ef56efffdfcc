using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.BillingClient;
using AspireAi.Completion.Caching;
using AspireAi.Completion.OpenAi;
using AspireAi.Completion.Upstream;
using AspireAi.Completion.Usage;
using AspireAi.ServiceDefaults.GenAi;
using AspireAi.Tokenization;
using Polly.CircuitBreaker;
using Polly.Timeout;
using StackExchange.Redis;

namespace AspireAi.Completion.Chat;

/// <summary>
/// Runs one chat completion: cache lookup, the provider call (streamed or not), usage recording,
/// the cache write and the response headers.
/// </summary>
public sealed class ChatCompletionPipeline(
    UpstreamClient upstream,
    ResponseCache cache,
    UsageReporter usage,
    GenAiTelemetry telemetry,
    ILogger<ChatCompletionPipeline> logger)
{
    /// <summary>The header with the billed cost in US dollars.</summary>
    public const string CostHeader = "x-aspireai-cost";

    /// <summary>The header with the cache status: hit, miss or bypass.</summary>
    public const string CacheHeader = "x-aspireai-cache";

    /// <summary>The header with what a cache hit saved, in US dollars.</summary>
    public const string SavedCostHeader = "x-aspireai-saved-cost";

    /// <summary>The header with the model that served the request.</summary>
    public const string ModelHeader = "x-aspireai-model";

    /// <summary>The header with the request id, which is the ledger's key.</summary>
    public const string RequestIdHeader = "x-request-id";

    private static readonly byte[] DoneEvent = "data: [DONE]\n\n"u8.ToArray();

    /// <summary>Serves a validated request for an authenticated caller.</summary>
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
            return OpenAiErrors.InvalidRequest(directiveError);
        }

        var requestId = "req_" + Guid.CreateVersion7().ToString("N");
        var occurredAt = DateTimeOffset.UtcNow;
        context.Response.Headers[RequestIdHeader] = requestId;
        Activity.Current?.SetTag(GenAiAttributes.TenantId, identity.TenantId.ToString());

        var cacheKey = CacheKey.Compute(identity.TenantId, request.Body);
        if (directives.Lookup)
        {
            var cached = await TryGetCachedAsync(cacheKey, requestId);
            if (cached is not null)
            {
                Log.ChatCompletionStarted(logger, requestId, identity.TenantId, request.Model, request.Stream, "hit");
                return await ServeCachedAsync(context, request, identity, cached, requestId, occurredAt);
            }
        }

        var cacheStatus = directives.Lookup ? "miss" : "bypass";
        telemetry.CacheRequests.Add(1, new KeyValuePair<string, object?>(GenAiAttributes.CacheStatus, cacheStatus));
        Log.ChatCompletionStarted(logger, requestId, identity.TenantId, request.Model, request.Stream, cacheStatus);

        return request.Stream
            ? await StreamFromUpstreamAsync(context, request, identity, requestId, occurredAt, cacheStatus, directives.Store ? (cacheKey, directives.Ttl) : null)
            : await CompleteFromUpstreamAsync(context, request, identity, requestId, occurredAt, cacheStatus, directives.Store ? (cacheKey, directives.Ttl) : null);
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

    private async Task<IResult> ServeCachedAsync(
        HttpContext context, ChatRequest request, ApiKeyIdentity identity, CachedCompletion cached, string requestId, DateTimeOffset occurredAt)
    {
        var chatUsage = new ChatUsage(cached.Model, cached.InputTokens, cached.CachedInputTokens, cached.OutputTokens);
        var cost = await usage.RecordAsync(requestId, identity, upstream.Provider, chatUsage, cacheHit: true, occurredAt);
        WriteCostHeaders(context.Response, cost, "hit", cached.Model);

        if (!request.Stream)
        {
            return TypedResults.Text(cached.Body, "application/json", Encoding.UTF8);
        }

        var body = JsonNode.Parse(cached.Body)!.AsObject();
        await StartEventStreamAsync(context.Response);
        foreach (var chunk in CachedStream.ToChunks(body, chatUsage, request.IncludeUsage))
        {
            await WriteEventAsync(context.Response, chunk, context.RequestAborted);
        }

        await context.Response.Body.WriteAsync(DoneEvent, context.RequestAborted);
        return TypedResults.Empty;
    }

    private async Task<IResult> CompleteFromUpstreamAsync(
        HttpContext context, ChatRequest request, ApiKeyIdentity identity, string requestId, DateTimeOffset occurredAt,
        string cacheStatus, (string Key, TimeSpan Ttl)? cacheWrite)
    {
        using var activity = GenAiTelemetry.StartModelCall("chat", upstream.Provider, request.Model);
        var started = Stopwatch.GetTimestamp();

        using var response = await SendAsync(request, requestId, context.RequestAborted);
        if (response.Failure is not null)
        {
            return response.Failure;
        }

        var content = await response.Message!.Content.ReadAsStringAsync(context.RequestAborted);
        if (!response.Message.IsSuccessStatusCode)
        {
            return MapUpstreamError(response.Message, content, requestId);
        }

        if (JsonNode.Parse(content) is not JsonObject body || body["error"] is not null)
        {
            // A provider error inside a 200 body is still an error.
            Log.UpstreamFailed(logger, upstream.Provider, (int)response.Message.StatusCode, requestId);
            return OpenAiErrors.Result(StatusCodes.Status502BadGateway, "The provider returned an error or an unreadable body with status 200.", "upstream_error", null, "upstream_invalid_response");
        }

        var chatUsage = ChatUsage.FromResponse(body, request.Model) ?? CountUsage(request, body);
        telemetry.RecordModelCall(activity, new ModelCallRecord("chat", upstream.Provider, request.Model, chatUsage.Model, chatUsage.InputTokens, chatUsage.OutputTokens, Stopwatch.GetElapsedTime(started)));

        var cost = await usage.RecordAsync(requestId, identity, upstream.Provider, chatUsage, cacheHit: false, occurredAt);
        WriteCostHeaders(context.Response, cost, cacheStatus, chatUsage.Model);

        if (cacheWrite is { } write && ResponseCache.CreateEntry(body, chatUsage) is { } entry)
        {
            await TryStoreAsync(write.Key, entry, write.Ttl, requestId);
        }

        return TypedResults.Text(content, "application/json", Encoding.UTF8);
    }

    private async Task<IResult> StreamFromUpstreamAsync(
        HttpContext context, ChatRequest request, ApiKeyIdentity identity, string requestId, DateTimeOffset occurredAt,
        string cacheStatus, (string Key, TimeSpan Ttl)? cacheWrite)
    {
        using var activity = GenAiTelemetry.StartModelCall("chat", upstream.Provider, request.Model);
        var started = Stopwatch.GetTimestamp();

        // Usage is always asked for, so the stream is billed from the provider's own counts; the
        // usage chunk reaches the client only if the client asked for it too.
        request.Body["stream_options"] = new JsonObject { ["include_usage"] = true };
        using var response = await SendAsync(request, requestId, context.RequestAborted);
        if (response.Failure is not null)
        {
            return response.Failure;
        }

        if (!response.Message!.IsSuccessStatusCode)
        {
            var errorContent = await response.Message.Content.ReadAsStringAsync(context.RequestAborted);
            return MapUpstreamError(response.Message, errorContent, requestId);
        }

        var assembler = new StreamAssembler(request.Model);
        JsonObject? usageChunk = null;
        var abandoned = false;
        context.Response.Headers[CacheHeader] = cacheStatus;
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
        var cost = await usage.RecordAsync(requestId, identity, upstream.Provider, chatUsage, cacheHit: false, occurredAt);
        if (abandoned)
        {
            Log.StreamAbandoned(logger, requestId, chatUsage.OutputTokens);
            return TypedResults.Empty;
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
            usageChunk["aspireai"] = new JsonObject { ["cost"] = cost.Cost, ["cache"] = cacheStatus };
            await WriteEventAsync(context.Response, usageChunk, CancellationToken.None);
        }

        await context.Response.Body.WriteAsync(DoneEvent, CancellationToken.None);

        if (cacheWrite is { } write && assembler.IsComplete && !assembler.HasNonTextContent
            && ResponseCache.CreateEntry(assembler.ToCompletion(chatUsage), chatUsage) is { } entry)
        {
            await TryStoreAsync(write.Key, entry, write.Ttl, requestId);
        }

        return TypedResults.Empty;
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
            return new UpstreamResponse(null, OpenAiErrors.Result(StatusCodes.Status504GatewayTimeout, "The provider did not answer in time.", "timeout", null, "upstream_timeout"));
        }
        catch (BrokenCircuitException exception)
        {
            Log.UpstreamUnreachable(logger, upstream.Provider, requestId, exception);
            return new UpstreamResponse(null, OpenAiErrors.Result(StatusCodes.Status502BadGateway, "The provider is failing and calls to it are paused for a short time. Retry shortly.", "upstream_error", null, "upstream_circuit_open"));
        }
        catch (HttpRequestException exception)
        {
            Log.UpstreamUnreachable(logger, upstream.Provider, requestId, exception);
            return new UpstreamResponse(null, OpenAiErrors.Result(StatusCodes.Status502BadGateway, "The provider could not be reached.", "upstream_error", null, "upstream_unreachable"));
        }
    }

    private IResult MapUpstreamError(HttpResponseMessage response, string content, string requestId)
    {
        var status = (int)response.StatusCode;
        Log.UpstreamFailed(logger, upstream.Provider, status, requestId);

        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            return new UpstreamErrorResult(StatusCodes.Status429TooManyRequests, content, response.Headers.RetryAfter?.ToString());
        }

        if (status >= 500)
        {
            return OpenAiErrors.Result(StatusCodes.Status502BadGateway, $"The provider failed with status {status}.", "upstream_error", null, "upstream_server_error");
        }

        // A 4xx from the provider describes the client's request, so its body is passed on.
        return new UpstreamErrorResult(status, content, null);
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

    private static void WriteCostHeaders(HttpResponse response, ReportedCost cost, string cacheStatus, string model)
    {
        response.Headers[CacheHeader] = cacheStatus;
        response.Headers[ModelHeader] = model;
        response.Headers[CostHeader] = cost.Priced ? cost.Cost.ToString(CultureInfo.InvariantCulture) : "unpriced";
        if (cacheStatus == "hit")
        {
            response.Headers[SavedCostHeader] = cost.SavedCost.ToString(CultureInfo.InvariantCulture);
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

    private sealed record UpstreamResponse(HttpResponseMessage? Message, IResult? Failure) : IDisposable
    {
        public void Dispose() => Message?.Dispose();
    }

    /// <summary>Passes a provider's error body on with its status and, for 429, its Retry-After.</summary>
    private sealed class UpstreamErrorResult(int statusCode, string content, string? retryAfter) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = statusCode;
            httpContext.Response.Headers["x-aspireai-error-source"] = "provider";
            if (retryAfter is not null)
            {
                httpContext.Response.Headers.RetryAfter = retryAfter;
            }

            var body = IsJsonObject(content)
                ? content
                : JsonSerializer.Serialize(new OpenAiErrorBody(new OpenAiError($"The provider returned status {statusCode}.", "upstream_error", null, "upstream_error")));
            httpContext.Response.ContentType = "application/json";
            await httpContext.Response.WriteAsync(body, httpContext.RequestAborted);
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
    }
}
