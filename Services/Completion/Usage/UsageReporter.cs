using AspireAi.BillingClient;
using AspireAi.Completion.Chat;
using AspireAi.ServiceDefaults.GenAi;

namespace AspireAi.Completion.Usage;

/// <summary>The cost of a request as the gateway reports it in its response headers.</summary>
/// <param name="Cost">The billed cost in US dollars; zero for a cache hit.</param>
/// <param name="SavedCost">What a cache hit saved, in US dollars.</param>
/// <param name="Priced">False when the model has no price.</param>
public sealed record ReportedCost(decimal Cost, decimal SavedCost, bool Priced);

/// <summary>Hands each request's usage to billing through the durable outbox and records the cost metrics.</summary>
public sealed class UsageReporter(UsageOutbox outbox, PriceBook prices, GenAiTelemetry telemetry, ILogger<UsageReporter> logger)
{
    /// <summary>The service name written to the ledger.</summary>
    public const string ServiceName = "completion";

    /// <summary>
    /// Records the usage of one request and returns its cost. The record is stored in the outbox before it is
    /// sent, so it reaches billing once billing answers even if billing is down now. When billing acknowledges it
    /// in time, billing's cost is returned; otherwise the cost is computed from the cached price list.
    /// </summary>
    /// <param name="requestId">The ledger's idempotency key.</param>
    /// <param name="identity">The caller.</param>
    /// <param name="provider">The provider that served the request.</param>
    /// <param name="usage">The tokens used.</param>
    /// <param name="cacheHit">Whether AspireAi's cache served it.</param>
    /// <param name="occurredAt">When the request was made.</param>
    /// <returns>The cost.</returns>
    public async Task<ReportedCost> RecordAsync(
        string requestId, ApiKeyIdentity identity, string provider, ChatUsage usage, bool cacheHit, DateTimeOffset occurredAt)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(usage);

        var record = new UsageRecord(
            requestId,
            identity.TenantId,
            identity.KeyId,
            ServiceName,
            provider,
            usage.Model,
            usage.InputTokens,
            usage.CachedInputTokens,
            usage.OutputTokens,
            cacheHit,
            occurredAt);

        // Recording must finish even when the client has gone, or the tokens it used are lost, so it takes no token.
        var recorded = await outbox.SubmitAsync(record);
        ReportedCost cost;
        if (recorded is not null)
        {
            cost = new ReportedCost(recorded.Cost, recorded.SavedCost, recorded.Priced);
        }
        else
        {
            cost = await EstimateAsync(provider, usage, cacheHit);
            Log.UsageQueued(logger, requestId, cost.Cost);
        }

        if (!cost.Priced)
        {
            Log.ModelUnpriced(logger, usage.Model);
        }

        telemetry.Cost.Add((double)cost.Cost, new KeyValuePair<string, object?>(GenAiAttributes.ResponseModel, usage.Model));
        if (cacheHit)
        {
            telemetry.CacheSavedCost.Add((double)cost.SavedCost, new KeyValuePair<string, object?>(GenAiAttributes.ResponseModel, usage.Model));
        }

        return cost;
    }

    private async Task<ReportedCost> EstimateAsync(string provider, ChatUsage usage, bool cacheHit)
    {
        ModelPrice? price;
        try
        {
            price = await prices.FindAsync(provider, usage.Model, CancellationToken.None);
        }
        catch (HttpRequestException)
        {
            price = null;
        }

        if (price is null)
        {
            return new ReportedCost(0m, 0m, Priced: false);
        }

        var full = PriceCalculator.Calculate(price, usage.InputTokens, usage.CachedInputTokens, usage.OutputTokens);
        return cacheHit ? new ReportedCost(0m, full, Priced: true) : new ReportedCost(full, 0m, Priced: true);
    }
}
