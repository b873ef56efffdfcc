using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.BillingClient;
using AspireAi.Completion.Budgets;
using AspireAi.Completion.Chat;
using AspireAi.Completion.RateLimiting;
using AspireAi.Completion.Upstream;
using AspireAi.Completion.Usage;
using AspireAi.Tokenization;
using Polly;

namespace AspireAi.Completion.Embeddings;

/// <summary>
/// Serves <c>/v1/embeddings</c> for models that embedding-search does not run, such as OpenAI's
/// text-embedding-3 models, through the default upstream. Such a request takes the same path as a
/// chat request: rate limits, a budget reservation, the provider call and a ledger row.
/// </summary>
public sealed class ProviderEmbeddings(
    UpstreamClient upstream,
    RateLimiter rateLimiter,
    BudgetAdmission budgets,
    PriceBook prices,
    UsageReporter usage,
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

    /// <summary>Embeds through the provider and records the usage.</summary>
    /// <param name="body">The request body, forwarded as it is.</param>
    /// <param name="model">The model the body names.</param>
    /// <param name="identity">The caller.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The provider's answer, or the gateway's refusal.</returns>
    public async Task<ChatOutcome> EmbedAsync(JsonObject body, string model, ApiKeyIdentity identity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(identity);

        var requestId = "req_" + Guid.CreateVersion7().ToString("N");
        var occurredAt = DateTimeOffset.UtcNow;
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

        var price = await FindPriceAsync(model, cancellationToken);
        var estimatedCost = price is null ? 0m : PriceCalculator.Calculate(price, estimatedTokens, 0, 0);
        var admission = await budgets.ReserveAsync(identity, model, estimatedCost, requestId, cancellationToken);
        if (!admission.IsAdmitted)
        {
            return admission.Rejection!;
        }

        var settled = false;
        try
        {
            HttpResponseMessage response;
            try
            {
                response = await upstream.SendEmbeddingsAsync(body, cancellationToken);
            }
            catch (Exception exception) when (exception is HttpRequestException or ExecutionRejectedException)
            {
                Log.EmbeddingsUpstreamFailed(logger, requestId, upstream.Provider, exception);
                return exception is Polly.Timeout.TimeoutRejectedException
                    ? ChatOutcome.Error(StatusCodes.Status504GatewayTimeout, "The provider did not answer in time.", "timeout", "upstream_timeout", "provider")
                    : ChatOutcome.Error(StatusCodes.Status502BadGateway, "The provider could not be reached.", "upstream_error", "upstream_unreachable", "provider");
            }

            using (response)
            {
                var content = await response.Content.ReadAsStringAsync(cancellationToken);
                var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [ChatCompletionPipeline.RequestIdHeader] = requestId };
                if (!response.IsSuccessStatusCode)
                {
                    Log.UpstreamFailed(logger, upstream.Provider, (int)response.StatusCode, requestId);
                    if ((int)response.StatusCode >= 500)
                    {
                        return ChatOutcome.Error(StatusCodes.Status502BadGateway, $"The provider failed with status {(int)response.StatusCode}.", "upstream_error", "upstream_server_error", "provider");
                    }

                    headers[ChatOutcome.ErrorSourceHeader] = "provider";
                    if (response.Headers.RetryAfter is { } retryAfter)
                    {
                        headers["Retry-After"] = retryAfter.ToString();
                    }

                    return new ChatOutcome((int)response.StatusCode, content, headers);
                }

                var inputTokens = ReadPromptTokens(content) ?? estimatedTokens;
                var cost = await usage.RecordAsync(requestId, identity, upstream.Provider, new ChatUsage(model, inputTokens, 0, 0), cacheHit: false, occurredAt);
                if (admission.Reservation is { } reservation)
                {
                    await budgets.SettleAsync(reservation, cost.Cost);
                    settled = true;
                }

                headers[ChatCompletionPipeline.CostHeader] = cost.Priced ? cost.Cost.ToString(CultureInfo.InvariantCulture) : "unpriced";
                headers[ChatCompletionPipeline.ModelHeader] = model;
                return new ChatOutcome(StatusCodes.Status200OK, content, headers);
            }
        }
        finally
        {
            if (!settled && admission.Reservation is { } reservation)
            {
                await budgets.ReleaseAsync(reservation);
            }
        }
    }

    private async Task<ModelPrice?> FindPriceAsync(string model, CancellationToken cancellationToken)
    {
        try
        {
            return await prices.FindAsync(upstream.Provider, model, cancellationToken);
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

    private static long? ReadPromptTokens(string content)
    {
        try
        {
            return JsonNode.Parse(content)?["usage"]?["prompt_tokens"] is JsonValue value && value.TryGetValue(out long tokens) ? tokens : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
