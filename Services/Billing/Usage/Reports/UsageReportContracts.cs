using AspireAi.BillingClient;

namespace AspireAi.Billing.Usage.Reports;

/// <summary>A tenant's usage over a period, grouped by the requested dimensions.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="From">The first UTC day included.</param>
/// <param name="To">The last UTC day included.</param>
/// <param name="GroupBy">The dimensions of each row, in the requested order.</param>
/// <param name="Total">The totals over the whole period. Cache-hit savings are in their own fields, never in the cost.</param>
/// <param name="Rows">One row per combination of dimension values that has usage, ordered by the dimensions.</param>
public sealed record UsageReport(
    Guid TenantId, DateOnly From, DateOnly To, IReadOnlyList<string> GroupBy, UsageTotals Total, IReadOnlyList<UsageReportRow> Rows);

/// <summary>The totals of one group. Only the dimensions of the report are set; JSON omits the others.</summary>
/// <param name="Day">The UTC day, when grouped by day.</param>
/// <param name="Month">The UTC month as YYYY-MM, when grouped by month.</param>
/// <param name="Model">The model, when grouped by model.</param>
/// <param name="KeyId">The API key's id, when grouped by key.</param>
/// <param name="KeyName">The API key's display name, when grouped by key.</param>
/// <param name="Service">The service that did the work, when grouped by service.</param>
/// <param name="Totals">The totals of the group.</param>
public sealed record UsageReportRow(
    DateOnly? Day, string? Month, string? Model, Guid? KeyId, string? KeyName, string? Service, UsageTotals Totals);
