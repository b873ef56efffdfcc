using System.Globalization;

namespace AspireAi.Billing.Usage.Reports;

/// <summary>A dimension that report rows can be grouped by.</summary>
internal enum ReportDimension
{
    Day,
    Month,
    Model,
    Key,
    Service,
}

/// <summary>The output format of a report.</summary>
internal enum ReportFormat
{
    Json,
    Csv,
}

/// <summary>A problem with a report's query string: the parameter at fault and what to send instead.</summary>
internal sealed record ReportQueryError(string Parameter, string Message, string Code);

/// <summary>A validated report request.</summary>
internal sealed record UsageReportQuery(DateOnly From, DateOnly To, IReadOnlyList<ReportDimension> GroupBy, ReportFormat Format)
{
    /// <summary>The widest period one report covers.</summary>
    public const int MaxRangeDays = 366;

    private const string DateFormat = "yyyy-MM-dd";

    private static readonly Dictionary<string, ReportDimension> DimensionNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["day"] = ReportDimension.Day,
        ["month"] = ReportDimension.Month,
        ["model"] = ReportDimension.Model,
        ["key"] = ReportDimension.Key,
        ["service"] = ReportDimension.Service,
    };

    /// <summary>The dimension names as the query string and the report spell them.</summary>
    public static string NameOf(ReportDimension dimension) => dimension.ToString().ToLowerInvariant();

    /// <summary>
    /// Parses the query string values. Defaults: <c>group_by=day</c>, <c>format=json</c>, from the first day of the
    /// current UTC month to today.
    /// </summary>
    public static (UsageReportQuery? Query, ReportQueryError? Error) Parse(string? groupBy, string? from, string? to, string? format, DateOnly today)
    {
        var dimensions = new List<ReportDimension>();
        foreach (var name in (string.IsNullOrWhiteSpace(groupBy) ? "day" : groupBy).Split(',', StringSplitOptions.TrimEntries))
        {
            if (!DimensionNames.TryGetValue(name, out var dimension))
            {
                return (null, new ReportQueryError(
                    "group_by",
                    $"group_by contains '{name}', which is not a dimension. Use a comma-separated list of day, month, model, key and service, such as group_by=day,model.",
                    "invalid_group_by"));
            }

            if (!dimensions.Contains(dimension))
            {
                dimensions.Add(dimension);
            }
        }

        ReportFormat reportFormat;
        if (string.IsNullOrEmpty(format) || string.Equals(format, "json", StringComparison.OrdinalIgnoreCase))
        {
            reportFormat = ReportFormat.Json;
        }
        else if (string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase))
        {
            reportFormat = ReportFormat.Csv;
        }
        else
        {
            return (null, new ReportQueryError("format", $"format '{format}' is not supported. Use json or csv.", "invalid_format"));
        }

        if (!TryParseDay(from, new DateOnly(today.Year, today.Month, 1), out var fromDay))
        {
            return (null, new ReportQueryError("from", $"from '{from}' is not a date. Use the format YYYY-MM-DD.", "invalid_date"));
        }

        if (!TryParseDay(to, today, out var toDay))
        {
            return (null, new ReportQueryError("to", $"to '{to}' is not a date. Use the format YYYY-MM-DD.", "invalid_date"));
        }

        if (fromDay > toDay)
        {
            return (null, new ReportQueryError(
                "from", $"from ({fromDay:yyyy-MM-dd}) is after to ({toDay:yyyy-MM-dd}). Swap them or widen the range.", "invalid_date_range"));
        }

        var days = toDay.DayNumber - fromDay.DayNumber + 1;
        if (days > MaxRangeDays)
        {
            return (null, new ReportQueryError(
                "to",
                $"The range from {fromDay:yyyy-MM-dd} to {toDay:yyyy-MM-dd} covers {days} days. Request at most {MaxRangeDays} days at a time.",
                "invalid_date_range"));
        }

        return (new UsageReportQuery(fromDay, toDay, dimensions, reportFormat), null);
    }

    private static bool TryParseDay(string? value, DateOnly defaultDay, out DateOnly day)
    {
        if (string.IsNullOrEmpty(value))
        {
            day = defaultDay;
            return true;
        }

        return DateOnly.TryParseExact(value, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }
}
