using System.Globalization;
using System.Text;

namespace AspireAi.Billing.Usage.Reports;

/// <summary>
/// Writes a report as RFC 4180 CSV: a header row, CRLF line ends, fields quoted when they contain a comma, a quote or
/// a line break, and numbers in the invariant culture so every locale reads them the same.
/// </summary>
internal static class UsageReportCsv
{
    private static readonly string[] TotalColumns =
    [
        "requests", "input_tokens", "cached_input_tokens", "cache_write_tokens", "output_tokens", "cost_usd",
        "cache_hits", "cache_hit_tokens", "cache_saved_cost_usd", "unpriced_requests",
    ];

    /// <summary>Returns the report as CSV text.</summary>
    public static string Write(UsageReport report, IReadOnlyList<ReportDimension> dimensions)
    {
        var csv = new StringBuilder();
        var header = dimensions.SelectMany(HeaderOf).Concat(TotalColumns);
        AppendLine(csv, header);

        foreach (var row in report.Rows)
        {
            var totals = row.Totals;
            var fields = dimensions.SelectMany(dimension => FieldsOf(row, dimension)).Concat(
            [
                Number(totals.Requests),
                Number(totals.InputTokens),
                Number(totals.CachedInputTokens),
                Number(totals.CacheWriteTokens),
                Number(totals.OutputTokens),
                Money(totals.Cost),
                Number(totals.CacheHits),
                Number(totals.CacheHitTokens),
                Money(totals.CacheSavedCost),
                Number(totals.UnpricedRequests),
            ]);
            AppendLine(csv, fields);
        }

        return csv.ToString();
    }

    private static IEnumerable<string> HeaderOf(ReportDimension dimension) => dimension switch
    {
        ReportDimension.Key => ["key_id", "key_name"],
        _ => [UsageReportQuery.NameOf(dimension)],
    };

    private static IEnumerable<string> FieldsOf(UsageReportRow row, ReportDimension dimension) => dimension switch
    {
        ReportDimension.Day => [row.Day!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)],
        ReportDimension.Month => [row.Month!],
        ReportDimension.Model => [Text(row.Model!)],
        ReportDimension.Key => [row.KeyId!.Value.ToString(), Text(row.KeyName!)],
        ReportDimension.Service => [Text(row.Service!)],
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "Unknown report dimension."),
    };

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    // Dollars with the ledger's ten decimal places at most, without trailing zeros.
    private static string Money(decimal value) => value.ToString("0.##########", CultureInfo.InvariantCulture);

    // Model, key and service names come from callers. A name that starts like a formula gets a leading apostrophe,
    // so a spreadsheet shows it as text instead of evaluating it.
    private static string Text(string value) =>
        value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;

    private static void AppendLine(StringBuilder csv, IEnumerable<string> fields)
    {
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                csv.Append(',');
            }

            first = false;
            if (field.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            {
                csv.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                csv.Append(field);
            }
        }

        csv.Append("\r\n");
    }
}
