using System.Collections.Concurrent;
using AspireAi.Billing.Budgets;
using AspireAi.Billing.Pricing;
using StackExchange.Redis;
using AspireAi.BillingClient;
using Npgsql;

namespace AspireAi.Billing.Usage;

/// <summary>Why a usage record refers to an owner that cannot be billed.</summary>
internal enum UsageOwnerProblem
{
    None,
    UnknownTenant,
    UnknownKey,
    KeyOfOtherTenant,
}

/// <summary>Prices usage records and stores them in <c>usage_ledger</c>, once per request id.</summary>
internal sealed partial class UsageLedger(NpgsqlDataSource dataSource, PriceStore prices, BudgetService budgets, ILogger<UsageLedger> logger)
{
    // Models already warned about as unpriced. Later records of the same model log at Debug so one
    // missing price does not flood the log.
    private readonly ConcurrentDictionary<(string Provider, string Model), bool> _unpricedModelsLogged = new();

    /// <summary>Checks that the tenant exists and that the key exists and belongs to it.</summary>
    public async Task<UsageOwnerProblem> CheckOwnerAsync(Guid tenantId, Guid keyId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT EXISTS (SELECT 1 FROM tenants WHERE id = @tenant_id),
                   (SELECT tenant_id FROM api_keys WHERE id = @key_id)
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("key_id", keyId);

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);

        if (!reader.GetBoolean(0))
        {
            return UsageOwnerProblem.UnknownTenant;
        }

        if (reader.IsDBNull(1))
        {
            return UsageOwnerProblem.UnknownKey;
        }

        return reader.GetGuid(1) == tenantId ? UsageOwnerProblem.None : UsageOwnerProblem.KeyOfOtherTenant;
    }

    /// <summary>
    /// Prices the record and inserts it. When a row with the same request id exists, nothing is written and the
    /// stored row is returned with <see cref="UsageRecorded.Duplicate"/> set, so retries never count twice.
    /// </summary>
    public async Task<UsageRecorded> RecordAsync(UsageRecord record, CancellationToken cancellationToken)
    {
        var occurredAt = record.OccurredAt.ToUniversalTime();
        var day = DateOnly.FromDateTime(occurredAt.UtcDateTime);
        var price = await prices.FindAsync(record.Provider, record.Model, day, cancellationToken);
        var (cost, savedCost) = Price(record, price);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO usage_ledger (request_id, tenant_id, key_id, service, provider, model, input_tokens,
                                      cached_input_tokens, output_tokens, cache_hit, cost, saved_cost, priced, occurred_at,
                                      cache_write_tokens)
            VALUES (@request_id, @tenant_id, @key_id, @service, @provider, @model, @input_tokens,
                    @cached_input_tokens, @output_tokens, @cache_hit, @cost, @saved_cost, @priced, @occurred_at,
                    @cache_write_tokens)
            ON CONFLICT (request_id) DO NOTHING
            """,
            connection))
        {
            insert.Parameters.AddWithValue("request_id", record.RequestId);
            insert.Parameters.AddWithValue("tenant_id", record.TenantId);
            insert.Parameters.AddWithValue("key_id", record.KeyId);
            insert.Parameters.AddWithValue("service", record.Service);
            insert.Parameters.AddWithValue("provider", record.Provider);
            insert.Parameters.AddWithValue("model", record.Model);
            insert.Parameters.AddWithValue("input_tokens", record.InputTokens);
            insert.Parameters.AddWithValue("cached_input_tokens", record.CachedInputTokens);
            insert.Parameters.AddWithValue("output_tokens", record.OutputTokens);
            insert.Parameters.AddWithValue("cache_hit", record.CacheHit);
            insert.Parameters.AddWithValue("cost", cost);
            insert.Parameters.AddWithValue("saved_cost", savedCost);
            insert.Parameters.AddWithValue("priced", price is not null);
            insert.Parameters.AddWithValue("occurred_at", occurredAt);
            insert.Parameters.AddWithValue("cache_write_tokens", record.CacheWriteTokens);

            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
            {
                if (price is null)
                {
                    LogUnpriced(record, day);
                }

                Log.UsageRecorded(logger, record.RequestId, cost, savedCost, price is not null);
                await CountAgainstBudgetsAsync(record, cost);
                return new UsageRecorded(record.RequestId, cost, savedCost, price is not null, Duplicate: false);
            }
        }

        // ON CONFLICT DO NOTHING waits for a concurrent insert of the same id to commit, so the row is visible here.
        await using var select = new NpgsqlCommand(
            "SELECT cost, saved_cost, priced FROM usage_ledger WHERE request_id = @request_id", connection);
        select.Parameters.AddWithValue("request_id", record.RequestId);

        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"Usage {record.RequestId} was neither inserted nor found.");
        }

        Log.UsageDuplicate(logger, record.RequestId);
        return new UsageRecorded(record.RequestId, reader.GetDecimal(0), reader.GetDecimal(1), reader.GetBoolean(2), Duplicate: true);
    }

    /// <summary>Sums the tenant's ledger rows from <paramref name="from"/> to <paramref name="to"/> (UTC days, both included).</summary>
    public async Task<UsageSummary> SummarizeAsync(Guid tenantId, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day,
                   model,
                   count(*),
                   COALESCE(sum(input_tokens) FILTER (WHERE NOT cache_hit), 0),
                   COALESCE(sum(cached_input_tokens) FILTER (WHERE NOT cache_hit), 0),
                   COALESCE(sum(output_tokens) FILTER (WHERE NOT cache_hit), 0),
                   sum(cost),
                   count(*) FILTER (WHERE cache_hit),
                   COALESCE(sum(input_tokens + output_tokens) FILTER (WHERE cache_hit), 0),
                   sum(saved_cost),
                   count(*) FILTER (WHERE NOT priced),
                   COALESCE(sum(cache_write_tokens) FILTER (WHERE NOT cache_hit), 0)
            FROM usage_ledger
            WHERE tenant_id = @tenant_id AND occurred_at >= @start AND occurred_at < @end
            GROUP BY day, model
            ORDER BY day, model
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("start", StartOfDay(from));
        command.Parameters.AddWithValue("end", StartOfDay(to.AddDays(1)));

        var groups = new List<UsageByDayAndModel>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var totals = new UsageTotals(
                Requests: reader.GetInt64(2),
                InputTokens: reader.GetInt64(3),
                CachedInputTokens: reader.GetInt64(4),
                OutputTokens: reader.GetInt64(5),
                Cost: reader.GetDecimal(6),
                CacheHits: reader.GetInt64(7),
                CacheHitTokens: reader.GetInt64(8),
                CacheSavedCost: reader.GetDecimal(9),
                UnpricedRequests: reader.GetInt64(10),
                CacheWriteTokens: reader.GetInt64(11));
            groups.Add(new UsageByDayAndModel(reader.GetFieldValue<DateOnly>(0), reader.GetString(1), totals));
        }

        return new UsageSummary(tenantId, from, to, Sum(groups), groups);
    }

    private static UsageTotals Sum(List<UsageByDayAndModel> groups) => new(
        groups.Sum(g => g.Totals.Requests),
        groups.Sum(g => g.Totals.InputTokens),
        groups.Sum(g => g.Totals.CachedInputTokens),
        groups.Sum(g => g.Totals.OutputTokens),
        groups.Sum(g => g.Totals.Cost),
        groups.Sum(g => g.Totals.CacheHits),
        groups.Sum(g => g.Totals.CacheHitTokens),
        groups.Sum(g => g.Totals.CacheSavedCost),
        groups.Sum(g => g.Totals.UnpricedRequests),
        groups.Sum(g => g.Totals.CacheWriteTokens));

    /// <summary>Returns the billed cost and, for a cache hit, the saved cost of a record at <paramref name="price"/>.</summary>
    internal static (decimal Cost, decimal SavedCost) Price(UsageRecord record, ModelPrice? price)
    {
        if (price is null)
        {
            return (0m, 0m);
        }

        var fullCost = PriceCalculator.Calculate(price, record.InputTokens, record.CachedInputTokens, record.OutputTokens, record.CacheWriteTokens);
        return record.CacheHit ? (0m, fullCost) : (fullCost, 0m);
    }

    private static DateTimeOffset StartOfDay(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    private async Task CountAgainstBudgetsAsync(UsageRecord record, decimal cost, Dictionary<(Guid TenantId, Guid KeyId, string Model), IReadOnlyList<Budget>>? lookups = null)
    {
        try
        {
            // The row is committed, so the counters must follow it even when the caller has gone.
            if (lookups is null)
            {
                await budgets.CountUsageAsync(record, cost, CancellationToken.None);
                return;
            }

            var owner = (record.TenantId, record.KeyId, record.Model);
            if (!lookups.TryGetValue(owner, out var applicable))
            {
                applicable = await budgets.FindApplicableAsync(record, CancellationToken.None);
                lookups[owner] = applicable;
            }

            await budgets.CountUsageAsync(record, cost, applicable, CancellationToken.None);
        }
        catch (RedisException exception)
        {
            // NOTE: a retry of this record finds the row and skips this step, so the counters stay short of
            // the ledger by this cost until they are loaded again (next period, expiry or a budget reset).
            Log.BudgetCounterUpdateFailed(logger, record.RequestId, exception);
        }
    }

    private void LogUnpriced(UsageRecord record, DateOnly day)
    {
        if (_unpricedModelsLogged.TryAdd((record.Provider, record.Model), true))
        {
            Log.UnpricedModel(logger, record.Model, record.Provider, day, record.RequestId);
        }
        else
        {
            Log.UnpricedModelRepeated(logger, record.Model, record.Provider, record.RequestId);
        }
    }
}
