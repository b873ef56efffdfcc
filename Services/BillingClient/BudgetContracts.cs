namespace AspireAi.BillingClient;

/// <summary>The body of a budget reservation request, sent before the provider is called.</summary>
/// <param name="RequestId">The request's id. It identifies the reservation and later the usage row that settles it.</param>
/// <param name="TenantId">The caller's tenant.</param>
/// <param name="KeyId">The caller's API key.</param>
/// <param name="Provider">The provider that will serve the request, used to find the model's price.</param>
/// <param name="Model">The requested model.</param>
/// <param name="EstimatedCost">The most the request is expected to cost, in US dollars.</param>
public sealed record BudgetReservationRequest(
    string RequestId, Guid TenantId, Guid KeyId, string? Provider, string Model, decimal EstimatedCost);

/// <summary>An admitted request's hold on its budgets.</summary>
/// <param name="RequestId">The request's id.</param>
/// <param name="TenantId">The caller's tenant.</param>
/// <param name="KeyId">The caller's API key.</param>
/// <param name="Model">The requested model.</param>
/// <param name="ReservedAt">When billing made the reservation. Settlement uses the budget periods of this instant.</param>
/// <param name="ExpiresAt">When billing drops the reservation if neither its usage nor a release has arrived.</param>
/// <param name="Amount">The amount held on each budget, in US dollars.</param>
/// <param name="BudgetIds">The budgets the reservation holds; empty when none applies.</param>
public sealed record BudgetReservation(
    string RequestId,
    Guid TenantId,
    Guid KeyId,
    string Model,
    DateTimeOffset ReservedAt,
    DateTimeOffset ExpiresAt,
    decimal Amount,
    IReadOnlyList<Guid> BudgetIds);

/// <summary>Why billing rejected a reservation: the 402 body of the reservation route.</summary>
/// <param name="Code">
/// <c>aspireai_budget_exceeded</c> when a hard budget has no room, or <c>aspireai_model_unpriced</c> when the model
/// has no price and a hard budget applies.
/// </param>
/// <param name="Message">What was rejected and what to do.</param>
/// <param name="BudgetId">The budget that rejected the request.</param>
/// <param name="Scope">The budget's scope: tenant, key or key_model.</param>
/// <param name="Period">The budget's period: daily or monthly.</param>
/// <param name="Limit">The budget's limit in US dollars.</param>
/// <param name="Spend">The recorded spend of the current period in US dollars.</param>
/// <param name="Reserved">The amount held by requests still running, in US dollars.</param>
/// <param name="EstimatedCost">The rejected request's estimated cost in US dollars.</param>
/// <param name="PeriodEnd">When the period ends and the spend starts again from zero.</param>
public sealed record BudgetRefusal(
    string Code,
    string Message,
    Guid BudgetId,
    string Scope,
    string Period,
    decimal Limit,
    decimal Spend,
    decimal Reserved,
    decimal EstimatedCost,
    DateTimeOffset PeriodEnd);

/// <summary>The body of a settle request: the reservation and the request's actual cost.</summary>
/// <param name="Reservation">The reservation that admission returned.</param>
/// <param name="ActualCost">What the request cost, in US dollars.</param>
public sealed record BudgetSettlement(BudgetReservation Reservation, decimal ActualCost);

/// <summary>The outcome of a reservation request: a reservation, or the refusal that explains why there is none.</summary>
/// <param name="Reservation">The reservation when the request is admitted.</param>
/// <param name="Refusal">The refusal when it is not.</param>
public sealed record BudgetReservationResult(BudgetReservation? Reservation, BudgetRefusal? Refusal)
{
    /// <summary>True when the request may go ahead.</summary>
    public bool IsAdmitted => Reservation is not null;
}
