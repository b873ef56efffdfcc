using AspireAi.Billing.Budgets;
using AspireAi.BillingClient;
using Npgsql;

namespace AspireAi.Billing.Usage;

/// <summary>The batch path of the ledger: many records priced and inserted in one statement.</summary>
internal sealed partial class UsageLedger
{
    /// <summary>
    /// Validates, prices and inserts a batch of records with one multi-row <c>INSERT … ON CONFLICT DO NOTHING</c>, so a
    /// request id already stored, or repeated in the batch, adds no row. Returns one item per record in the order given:
    /// the stored row (flagged as a duplicate when it existed before), or the errors of an invalid record.
    /// </summary>
    public async Task<IReadOnlyList<UsageBatchItem>> RecordBatchAsync(IReadOnlyList<UsageRecord?> records, CancellationToken cancellationToken)
    {
        var items = new UsageBatchItem?[records.Count];
        var valid = new List<(int Index, UsageRecord Record)>();
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i] is not { } record)
            {
                items[i] = new UsageBatchItem(string.Empty, null, new Dictionary<string, string[]> { ["records"] = [$"records[{i}] is null."] });
                continue;
            }

            var errors = UsageRecordValidator.Validate(record);
            if (errors.Count > 0)
            {
                items[i] = new UsageBatchItem(record.RequestId ?? string.Empty, null, errors);
                continue;
            }

            valid.Add((i, record));
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var owners = await CheckOwnersAsync(connection, valid.Select(entry => entry.Record), cancellationToken);
        var toInsert = new List<(UsageRecord Record, ModelPrice? Price, decimal Cost, decimal SavedCost)>();
        var firstIndexOfRequestId = new Dictionary<string, int>(StringComparer.Ordinal);
        var priceCache = new Dictionary<(string Provider, string Model, DateOnly Day), ModelPrice?>();
        foreach (var (index, record) in valid)
        {
            var problem = owners[(record.TenantId, record.KeyId)];
            if (problem != UsageOwnerProblem.None)
            {
                var errors = new Dictionary<string, string[]>();
                UsageRecordValidator.AddOwnerProblem(problem, record, errors);
                items[index] = new UsageBatchItem(record.RequestId, null, errors);
                continue;
            }

            if (!firstIndexOfRequestId.TryAdd(record.RequestId, index))
            {
                // A repeat inside the batch gets the stored row below, like any other duplicate.
                continue;
            }

            var day = DateOnly.FromDateTime(record.OccurredAt.UtcDateTime);
            if (!priceCache.TryGetValue((record.Provider, record.Model, day), out var price))
            {
                price = await prices.FindAsync(record.Provider, record.Model, day, cancellationToken);
                priceCache[(record.Provider, record.Model, day)] = price;
            }

            var (cost, savedCost) = Price(record, price);
            toInsert.Add((record, price, cost, savedCost));
        }

        var inserted = toInsert.Count == 0 ? [] : await InsertBatchAsync(connection, toInsert, cancellationToken);
        var stored = await ReadStoredAsync(
            connection, valid.Where(entry => items[entry.Index] is null).Select(entry => entry.Record.RequestId), cancellationToken);

        // Budgets are looked up once per key and model in the batch, not once per row.
        var budgetLookups = new Dictionary<(Guid TenantId, Guid KeyId, string Model), IReadOnlyList<Budget>>();
        foreach (var (record, price, cost, savedCost) in toInsert.Where(entry => inserted.Contains(entry.Record.RequestId)))
        {
            if (price is null)
            {
                LogUnpriced(record, DateOnly.FromDateTime(record.OccurredAt.UtcDateTime));
            }

            Log.UsageRecorded(logger, record.RequestId, cost, savedCost, price is not null);
            await CountAgainstBudgetsAsync(record, cost, budgetLookups);
        }

        var duplicates = 0;
        foreach (var (index, record) in valid.Where(entry => items[entry.Index] is null))
        {
            var row = stored[record.RequestId];
            var isNew = inserted.Contains(record.RequestId) && firstIndexOfRequestId[record.RequestId] == index;
            duplicates += isNew ? 0 : 1;
            items[index] = new UsageBatchItem(record.RequestId, row with { Duplicate = !isNew }, null);
        }

        Log.UsageBatchRecorded(logger, records.Count, inserted.Count, duplicates, records.Count - inserted.Count - duplicates);
        return items!;
    }

    private static async Task<Dictionary<(Guid TenantId, Guid KeyId), UsageOwnerProblem>> CheckOwnersAsync(
        NpgsqlConnection connection, IEnumerable<UsageRecord> records, CancellationToken cancellationToken)
    {
        var pairs = records.Select(record => (record.TenantId, record.KeyId)).Distinct().ToList();
        var problems = new Dictionary<(Guid, Guid), UsageOwnerProblem>();
        if (pairs.Count == 0)
        {
            return problems;
        }

        await using var command = new NpgsqlCommand(
            """
            SELECT p.tenant_id,
                   p.key_id,
                   EXISTS (SELECT 1 FROM tenants t WHERE t.id = p.tenant_id),
                   (SELECT k.tenant_id FROM api_keys k WHERE k.id = p.key_id)
            FROM unnest(@tenant_ids, @key_ids) AS p (tenant_id, key_id)
            """,
            connection);
        command.Parameters.AddWithValue("tenant_ids", pairs.Select(pair => pair.TenantId).ToArray());
        command.Parameters.AddWithValue("key_ids", pairs.Select(pair => pair.KeyId).ToArray());

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var tenantId = reader.GetGuid(0);
            var problem = !reader.GetBoolean(2) ? UsageOwnerProblem.UnknownTenant
                : reader.IsDBNull(3) ? UsageOwnerProblem.UnknownKey
                : reader.GetGuid(3) != tenantId ? UsageOwnerProblem.KeyOfOtherTenant
                : UsageOwnerProblem.None;
            problems[(tenantId, reader.GetGuid(1))] = problem;
        }

        return problems;
    }

    private static async Task<HashSet<string>> InsertBatchAsync(
        NpgsqlConnection connection,
        List<(UsageRecord Record, ModelPrice? Price, decimal Cost, decimal SavedCost)> rows,
        CancellationToken cancellationToken)
    {
        // One statement over arrays, one per column: the rows travel in one round trip and insert in one transaction.
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO usage_ledger (request_id, tenant_id, key_id, service, provider, model, input_tokens, cached_input_tokens,
                                      output_tokens, cache_hit, cost, saved_cost, priced, occurred_at, cache_write_tokens)
            SELECT * FROM unnest(@request_ids, @tenant_ids, @key_ids, @services, @providers, @models, @input_tokens,
                                 @cached_input_tokens, @output_tokens, @cache_hits, @costs, @saved_costs, @priced, @occurred_at,
                                 @cache_write_tokens)
            ON CONFLICT (request_id) DO NOTHING
            RETURNING request_id
            """,
            connection);
        command.Parameters.AddWithValue("request_ids", rows.Select(row => row.Record.RequestId).ToArray());
        command.Parameters.AddWithValue("tenant_ids", rows.Select(row => row.Record.TenantId).ToArray());
        command.Parameters.AddWithValue("key_ids", rows.Select(row => row.Record.KeyId).ToArray());
        command.Parameters.AddWithValue("services", rows.Select(row => row.Record.Service).ToArray());
        command.Parameters.AddWithValue("providers", rows.Select(row => row.Record.Provider).ToArray());
        command.Parameters.AddWithValue("models", rows.Select(row => row.Record.Model).ToArray());
        command.Parameters.AddWithValue("input_tokens", rows.Select(row => row.Record.InputTokens).ToArray());
        command.Parameters.AddWithValue("cached_input_tokens", rows.Select(row => row.Record.CachedInputTokens).ToArray());
        command.Parameters.AddWithValue("output_tokens", rows.Select(row => row.Record.OutputTokens).ToArray());
        command.Parameters.AddWithValue("cache_hits", rows.Select(row => row.Record.CacheHit).ToArray());
        command.Parameters.AddWithValue("costs", rows.Select(row => row.Cost).ToArray());
        command.Parameters.AddWithValue("saved_costs", rows.Select(row => row.SavedCost).ToArray());
        command.Parameters.AddWithValue("priced", rows.Select(row => row.Price is not null).ToArray());
        command.Parameters.AddWithValue("occurred_at", rows.Select(row => row.Record.OccurredAt.ToUniversalTime()).ToArray());
        command.Parameters.AddWithValue("cache_write_tokens", rows.Select(row => row.Record.CacheWriteTokens).ToArray());

        var inserted = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            inserted.Add(reader.GetString(0));
        }

        return inserted;
    }

    private static async Task<Dictionary<string, UsageRecorded>> ReadStoredAsync(
        NpgsqlConnection connection, IEnumerable<string> requestIds, CancellationToken cancellationToken)
    {
        var ids = requestIds.Distinct(StringComparer.Ordinal).ToArray();
        var stored = new Dictionary<string, UsageRecorded>(StringComparer.Ordinal);
        if (ids.Length == 0)
        {
            return stored;
        }

        // ON CONFLICT DO NOTHING waited for concurrent inserts of the same ids to commit, so every id is visible here.
        await using var command = new NpgsqlCommand(
            "SELECT request_id, cost, saved_cost, priced FROM usage_ledger WHERE request_id = ANY(@request_ids)", connection);
        command.Parameters.AddWithValue("request_ids", ids);

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var requestId = reader.GetString(0);
            stored[requestId] = new UsageRecorded(requestId, reader.GetDecimal(1), reader.GetDecimal(2), reader.GetBoolean(3), Duplicate: false);
        }

        var missing = ids.FirstOrDefault(id => !stored.ContainsKey(id));
        return missing is null ? stored : throw new InvalidOperationException($"Usage {missing} was neither inserted nor found.");
    }
}
