using AspireAi.BillingClient;
using Npgsql;

namespace AspireAi.Billing.Usage.Reports;

/// <summary>Groups a tenant's ledger rows by the dimensions of a report.</summary>
internal sealed class UsageReportStore(NpgsqlDataSource dataSource)
{
    // The aggregates of every row. Tokens of cache hits are counted apart from billed tokens, so the
    // billed columns match the cost and the cache columns show the saving.
    private const string Aggregates =
        """
        count(*),
        COALESCE(sum(l.input_tokens) FILTER (WHERE NOT l.cache_hit), 0),
        COALESCE(sum(l.cached_input_tokens) FILTER (WHERE NOT l.cache_hit), 0),
        COALESCE(sum(l.output_tokens) FILTER (WHERE NOT l.cache_hit), 0),
        sum(l.cost),
        count(*) FILTER (WHERE l.cache_hit),
        COALESCE(sum(l.input_tokens + l.output_tokens) FILTER (WHERE l.cache_hit), 0),
        sum(l.saved_cost),
        count(*) FILTER (WHERE NOT l.priced),
        COALESCE(sum(l.cache_write_tokens) FILTER (WHERE NOT l.cache_hit), 0)
        """;

    /// <summary>Builds the report of <paramref name="tenantId"/> for the query's UTC days, both included.</summary>
    public async Task<UsageReport> BuildAsync(Guid tenantId, UsageReportQuery query, CancellationToken cancellationToken)
    {
        // Only the fixed expressions below reach the SQL text; the request chooses among them by enum.
        var columns = query.GroupBy.SelectMany(ColumnsOf).ToList();
        var select = columns.Count == 0 ? Aggregates : string.Join(", ", columns) + ",\n" + Aggregates;
        var positions = string.Join(", ", Enumerable.Range(1, columns.Count));
        var grouping = columns.Count == 0 ? string.Empty : $"GROUP BY {positions} ORDER BY {positions}";

        await using var command = dataSource.CreateCommand(
            $"""
            SELECT {select}
            FROM usage_ledger l JOIN api_keys k ON k.id = l.key_id
            WHERE l.tenant_id = @tenant_id AND l.occurred_at >= @start AND l.occurred_at < @end
            {grouping}
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("start", StartOfDay(query.From));
        command.Parameters.AddWithValue("end", StartOfDay(query.To.AddDays(1)));

        var rows = new List<UsageReportRow>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var row = ReadDimensions(reader, query.GroupBy, out var next);
                var totals = ReadTotals(reader, next);
                if (totals.Requests > 0)
                {
                    rows.Add(row with { Totals = totals });
                }
            }
        }

        var total = Sum(rows.Select(row => row.Totals));
        return new UsageReport(tenantId, query.From, query.To, [.. query.GroupBy.Select(UsageReportQuery.NameOf)], total, rows);
    }

    private static IEnumerable<string> ColumnsOf(ReportDimension dimension) => dimension switch
    {
        ReportDimension.Day => ["(l.occurred_at AT TIME ZONE 'UTC')::date"],
        ReportDimension.Month => ["to_char(l.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM')"],
        ReportDimension.Model => ["l.model"],
        ReportDimension.Key => ["l.key_id", "k.name"],
        ReportDimension.Service => ["l.service"],
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "Unknown report dimension."),
    };

    private static UsageReportRow ReadDimensions(NpgsqlDataReader reader, IReadOnlyList<ReportDimension> dimensions, out int next)
    {
        var row = new UsageReportRow(null, null, null, null, null, null, null!);
        var ordinal = 0;
        foreach (var dimension in dimensions)
        {
            switch (dimension)
            {
                case ReportDimension.Day:
                    row = row with { Day = reader.GetFieldValue<DateOnly>(ordinal++) };
                    break;
                case ReportDimension.Month:
                    row = row with { Month = reader.GetString(ordinal++) };
                    break;
                case ReportDimension.Model:
                    row = row with { Model = reader.GetString(ordinal++) };
                    break;
                case ReportDimension.Key:
                    row = row with { KeyId = reader.GetGuid(ordinal), KeyName = reader.GetString(ordinal + 1) };
                    ordinal += 2;
                    break;
                case ReportDimension.Service:
                    row = row with { Service = reader.GetString(ordinal++) };
                    break;
            }
        }

        next = ordinal;
        return row;
    }

    private static UsageTotals ReadTotals(NpgsqlDataReader reader, int first) => new(
        Requests: reader.GetInt64(first),
        InputTokens: reader.GetInt64(first + 1),
        CachedInputTokens: reader.GetInt64(first + 2),
        OutputTokens: reader.GetInt64(first + 3),
        Cost: reader.IsDBNull(first + 4) ? 0m : reader.GetDecimal(first + 4),
        CacheHits: reader.GetInt64(first + 5),
        CacheHitTokens: reader.GetInt64(first + 6),
        CacheSavedCost: reader.IsDBNull(first + 7) ? 0m : reader.GetDecimal(first + 7),
        UnpricedRequests: reader.GetInt64(first + 8),
        CacheWriteTokens: reader.GetInt64(first + 9));

    private static UsageTotals Sum(IEnumerable<UsageTotals> rows)
    {
        var list = rows.ToList();
        return new UsageTotals(
            list.Sum(t => t.Requests),
            list.Sum(t => t.InputTokens),
            list.Sum(t => t.CachedInputTokens),
            list.Sum(t => t.OutputTokens),
            list.Sum(t => t.Cost),
            list.Sum(t => t.CacheHits),
            list.Sum(t => t.CacheHitTokens),
            list.Sum(t => t.CacheSavedCost),
            list.Sum(t => t.UnpricedRequests),
            list.Sum(t => t.CacheWriteTokens));
    }

    private static DateTimeOffset StartOfDay(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
}
