namespace AspireAi.Billing.Budgets;

/// <summary>The body of a budget creation request.</summary>
/// <param name="KeyId">The API key to limit. Omit it to limit the tenant's whole spend.</param>
/// <param name="Model">The model to limit through <paramref name="KeyId"/>. Omit it to limit every model.</param>
/// <param name="Period">daily or monthly.</param>
/// <param name="LimitUsd">The limit in US dollars per period.</param>
/// <param name="Enforcement">hard to reject requests over the limit, soft to only alert.</param>
/// <param name="AlertThresholds">Percentages of the limit that send an alert, for example [50, 80, 100].</param>
public sealed record CreateBudgetRequest(
    Guid? KeyId, string? Model, string? Period, decimal? LimitUsd, string? Enforcement, int[]? AlertThresholds);

/// <summary>The body of a budget change. Scope and period cannot change: delete the budget and create another.</summary>
/// <param name="LimitUsd">The new limit in US dollars per period.</param>
/// <param name="Enforcement">hard or soft.</param>
/// <param name="AlertThresholds">The new alert percentages; omit to keep the current ones.</param>
public sealed record UpdateBudgetRequest(decimal? LimitUsd, string? Enforcement, int[]? AlertThresholds);

/// <summary>The body of a tenant time-zone change.</summary>
/// <param name="TimeZone">An IANA time zone id such as Europe/Paris, or UTC.</param>
public sealed record SetTimeZoneRequest(string? TimeZone);

/// <summary>A budget as the admin API returns it, with its current period.</summary>
public sealed record BudgetResponse(
    Guid Id,
    Guid TenantId,
    Guid? KeyId,
    string? Model,
    string Scope,
    string Period,
    decimal LimitUsd,
    string Enforcement,
    IReadOnlyList<int> AlertThresholds,
    DateTimeOffset? ResetAt,
    string TimeZone,
    BudgetStatus Current);
