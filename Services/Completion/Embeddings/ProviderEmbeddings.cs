using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.BillingClient;
using AspireAi.Completion.Budgets;
using AspireAi.Completion.Chat;
using AspireAi.Completion.Providers;
using AspireAi.Completion.RateLimiting;
using AspireAi.Completion.Usage;
using AspireAi.ServiceDefaults.GenAi;
using AspireAi.Tokenization;

namespace AspireAi.Completion.Embeddings;

/// <summary>
/// Serves <c>/v1/embeddings</c> for models that embedding-search does not run, such as OpenAI's
/// text-embedding-3 models, through the same model catalog as chat: aliases, deployments (Azure
/// OpenAI's included), fallbacks, retries, the circuit breaker and the embeddings route's timeouts.
/// Such a request takes the same path as a chat request: rate limits, a budget reservation, the
/// provider call and a ledger row.
/// </summary>
public sealed class ProviderEmbeddings(
    ProviderRouter router,
    ProviderCatalog catalog,
    RateLimiter rateLimiter,
    BudgetAdmission budgets,
    PriceBook prices,
    UsageReporter usage,
    GenAiTelemetry telemetry,
    ILogger<ProviderEmbeddings> logger)
{
    /// <summary>The model names that embedding-search serves locally.</summary>
    public static readonly IReadOnlySet<string> LocalModels = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "all-minilm-l6-v2",
        "sentence-transformers/all-MiniLM-L6-v2",
    };

    /// <summary>Returns the model a request names, or <see langword="null"/> when the body names none or is not an object.</summary>
    /// <param name="body">The request body.</param>
    /// <returns>The model.</returns>
    public static string? ReadModel(JsonObject? body) =>
        body?["model"] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>Embeds through the model's provider and records the usage.</summary>
    /// <param name="body">The request body; each deployment gets a copy with its own model name.</param>
    /// <param name="model">The model the body names, possibly an alias.</param>
    /// <param name="identity">The caller.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The provider's answer, or the gateway's refusal.</returns>
    public async Task<ChatOutcome> EmbedAsync(JsonObject body, string model, ApiKeyIdentity identity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(identity);

        var requestId = "req_" + Guid.CreateVersion7().ToString("N");
        var occurredAt = DateTimeOffset.UtcNow;
        model = catalog.ResolveAlias(model);
        var estimatedTokens = EstimateTokens(model, body["input"]);
        if (estimatedTokens < 0)
        {
            return ChatOutcome.Error(StatusCodes.Status400BadRequest, "'input' must be a non-empty string, an array of strings, or token arrays.", "invalid_request_error", "invalid_request", "gateway", param: "input");
        }

        if (await rateLimiter.TryTakeAsync(identity, RateLimitKind.Requests, 1) is { } requestLimit)
        {
            return requestLimit;
        }

        if (await rateLimiter.TryTakeAsync(identity, RateLimitKind.Tokens, estimatedTokens) is { } tokenLimit)
        {
            return tokenLimit;
        }

        var priceProvider = catalog.PriceProvider(model);
        var price = await FindPriceAsync(priceProvider, model, cancellationToken);
        var estimatedCost = price is null ? 0m : PriceCalculator.Calculate(price, estimatedTokens, 0, 0);
        var admission = await budgets.ReserveAsync(identity, model, estimatedCost, requestId, cancellationToken);
        if (!admission.IsAdmitted)
        {
            return admission.Rejection!;
        }

        return await budgets.RunReservedAsync(
            admission.Reservation,
            () => CallProviderAsync(body, model, priceProvider, estimatedTokens, identity, requestId, occurredAt, cancellationToken));
    }

    private async Task<(ChatOutcome Outcome, ReportedCost? Cost)> CallProviderAsync(
        JsonObject body,
        string model,
        string priceProvider,
        long estimatedTokens,
        ApiKeyIdentity identity,
        string requestId,
        DateTimeOffset occurredAt,
        CancellationToken cancellationToken)
    {
        using var activity = GenAiTelemetry.StartModelCall("embeddings", priceProvider, model);
        var started = Stopwatch.GetTimestamp();
        using var call = await router.SendEmbeddingsAsync(body, model, requestId, cancellationToken);
        if (call.Failure is not null)
        {
            return (WithRequestId(call.Failure, requestId), null);
        }

        var provider = call.Deployment!.ProviderName;
        var content = await call.Response!.Content.ReadAsStringAsync(call.Token);
        var response = ParseObject(content);
        if (response is null || response["error"] is not null)
        {
            // A provider error inside a 200 body is still an error.
            Log.UpstreamFailed(logger, provider, StatusCodes.Status200OK, requestId);
            var failure = UpstreamErrors.Map(UpstreamErrors.EffectiveStatus(StatusCodes.Status200OK, content), null, content);
            return (WithRequestId(failure, requestId), null);
        }

        var inputTokens = ReadPromptTokens(response) ?? estimatedTokens;
        var responseModel = response["model"] is JsonValue named && named.GetValueKind() == JsonValueKind.String ? named.GetValue<string>() : model;
        telemetry.RecordModelCall(activity, new ModelCallRecord("embeddings", provider, model, responseModel, inputTokens, 0, Stopwatch.GetElapsedTime(started)));

        // The ledger keeps the requested model, as for chat, so its price applies whatever the deployment calls it.
        var cost = await usage.RecordAsync(requestId, identity, provider, new ChatUsage(model, inputTokens, 0, 0), cacheHit: false, occurredAt);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [ChatCompletionPipeline.RequestIdHeader] = requestId,
            [ChatCompletionPipeline.CostHeader] = cost.Priced ? cost.Cost.ToString(CultureInfo.InvariantCulture) : "unpriced",
            [ChatCompletionPipeline.ModelHeader] = model,
        };
        return (new ChatOutcome(StatusCodes.Status200OK, content, headers), cost);
    }

    private static ChatOutcome WithRequestId(ChatOutcome outcome, string requestId)
    {
        var headers = new Dictionary<string, string>(outcome.Headers, StringComparer.OrdinalIgnoreCase) { [ChatCompletionPipeline.RequestIdHeader] = requestId };
        return outcome with { Headers = headers };
    }

    private static JsonObject? ParseObject(string content)
    {
        try
        {
            return JsonNode.Parse(content) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task<ModelPrice?> FindPriceAsync(string provider, string model, CancellationToken cancellationToken)
    {
        try
        {
            return await prices.FindAsync(provider, model, cancellationToken);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    /// <summary>Counts the input's tokens with the model family's tokenizer; -1 when the input is not a valid shape.</summary>
    private static long EstimateTokens(string model, JsonNode? input) => input switch
    {
        JsonValue text when text.GetValueKind() == JsonValueKind.String && text.GetValue<string>().Length > 0 =>
            TokenCounter.Shared.CountText(model, text.GetValue<string>()),
        JsonArray { Count: > 0 } items when items.All(item => item?.GetValueKind() == JsonValueKind.String) =>
            items.Sum(item => (long)TokenCounter.Shared.CountText(model, item!.GetValue<string>())),
        JsonArray { Count: > 0 } items when items.All(item => item?.GetValueKind() == JsonValueKind.Number) => items.Count,
        JsonArray { Count: > 0 } items when items.All(item => item is JsonArray) => items.Sum(item => (long)item!.AsArray().Count),
        _ => -1,
    };

    private static long? ReadPromptTokens(JsonObject response) =>
        response["usage"]?["prompt_tokens"] is JsonValue value && value.TryGetValue(out long tokens) ? tokens : null;
}
