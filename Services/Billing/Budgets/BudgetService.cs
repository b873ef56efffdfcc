using AspireAi.Billing.Pricing;
using AspireAi.BillingClient;
using Microsoft.Extensions.Options;

namespace AspireAi.Billing.Budgets;

/// <summary>
/// Admits requests against budgets by reservation and counts recorded usage against them. Budgets are read
/// from PostgreSQL on every call, so a saved change applies to the next request on every replica.
/// </summary>
internal sealed class BudgetService(
    BudgetStore store,
    SpendCounter counter,
    BudgetAlerts alerts,
    PriceStore prices,
    TimeProvider time,
    IOptions<BillingOptions> options,
    ILogger<BudgetService> logger)
{
    /// <summary>The refusal code of a hard budget without room.</summary>
    public const string BudgetExceededCode = "aspireai_budget_exceeded";

    /// <summary>The refusal code of a model without a price under a hard budget.</summary>
    public const string ModelUnpricedCode = "aspireai_model_unpriced";

    // How long one replica may hold a counter's load lock; others wait up to this long for the load.
    private static readonly TimeSpan LoadLockLifetime = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan LoadWaitInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Holds the estimated cost on every applicable budget, or returns the refusal of the first hard budget without room.</summary>
    public async Task<BudgetReservationResult> ReserveAsync(BudgetReservationRequest request, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var lifetime = options.Value.Budgets.ReservationLifetime;
        var budgets = await store.FindApplicableAsync(request.TenantId, request.KeyId, request.Model, cancellationToken);
        var reservation = new BudgetReservation(
            request.RequestId, request.TenantId, request.KeyId, request.Model, now, now + lifetime, request.EstimatedCost, [.. budgets.Select(b => b.Id)]);
        if (budgets.Count == 0)
        {
            return new BudgetReservationResult(reservation, null);
        }

        var targets = budgets.Select(budget => new CounterTarget(budget, BudgetPeriods.WindowOf(budget, now))).ToList();
        if (targets.FirstOrDefault(t => t.Budget.Enforcement == BudgetEnforcement.Hard) is { } hard)
        {
            var day = DateOnly.FromDateTime(now.UtcDateTime);
            if (await prices.FindAsync(request.Provider ?? string.Empty, request.Model, day, cancellationToken) is null)
            {
                Log.BudgetUnpricedModel(logger, request.RequestId, request.Model, hard.Budget.Id);
                var counters = await counter.ReadAsync(hard);
                var message = $"Model '{request.Model}' has no price, so its cost cannot be held against hard budget {hard.Budget.Id}. "
                    + "Ask your administrator to add a price for the model, or use a priced model.";
                return new BudgetReservationResult(null, Refuse(ModelUnpricedCode, message, hard, counters?.Spend ?? 0m, counters?.Reserved ?? 0m, request.EstimatedCost));
            }
        }

        var deadline = now + LoadLockLifetime;
        while (true)
        {
            var result = await counter.ReserveAsync(targets, request.RequestId, request.EstimatedCost, time.GetUtcNow(), lifetime);
            switch (result.Outcome)
            {
                case ReserveOutcome.Reserved:
                    return new BudgetReservationResult(reservation, null);

                case ReserveOutcome.Refused:
                    return new BudgetReservationResult(null, RefuseExceeded(request, targets[result.Index], result.Spend, result.Reserved));

                default:
                    if (time.GetUtcNow() > deadline)
                    {
                        throw new TimeoutException(
                            $"The spend counter of budget {targets[result.Index].Budget.Id} was not loaded within {LoadLockLifetime.TotalSeconds} seconds.");
                    }

                    await LoadAsync(targets[result.Index], cancellationToken);
                    break;
            }
        }
    }

    /// <summary>Replaces the reservation's held amount with the actual cost, until the usage row settles it.</summary>
    public async Task SettleReservationAsync(BudgetSettlement settlement, CancellationToken cancellationToken)
    {
        var targets = await TargetsOfAsync(settlement.Reservation, cancellationToken);
        await counter.AdjustAsync(targets, settlement.Reservation.RequestId, settlement.ActualCost);
    }

    /// <summary>Drops a reservation whose request will record no usage.</summary>
    public async Task ReleaseReservationAsync(BudgetReservation reservation, CancellationToken cancellationToken)
    {
        var targets = await TargetsOfAsync(reservation, cancellationToken);
        await counter.SettleAsync(targets, reservation.RequestId, cost: null);
    }

    /// <summary>
    /// Counts a newly stored usage row: drops its reservation, adds its cost to every budget period that contains
    /// it and sends the alerts it triggers. Called once per row, after the insert commits.
    /// </summary>
    public async Task CountUsageAsync(UsageRecord record, decimal cost, CancellationToken cancellationToken)
    {
        var budgets = await FindApplicableAsync(record, cancellationToken);
        await CountUsageAsync(record, cost, budgets, cancellationToken);
    }

    /// <summary>Returns the budgets that a usage record counts against: its tenant's, its key's and its key's for the model.</summary>
    public Task<IReadOnlyList<Budget>> FindApplicableAsync(UsageRecord record, CancellationToken cancellationToken) =>
        store.FindApplicableAsync(record.TenantId, record.KeyId, record.Model, cancellationToken);

    /// <summary>
    /// Adds a recorded cost to the given budgets, which the caller looked up with
    /// <see cref="FindApplicableAsync(UsageRecord, CancellationToken)"/>, so a batch of records by one key
    /// and model looks them up once.
    /// </summary>
    public async Task CountUsageAsync(UsageRecord record, decimal cost, IReadOnlyList<Budget> budgets, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(budgets);
        if (budgets.Count == 0)
        {
            return;
        }

        var occurredAt = record.OccurredAt.ToUniversalTime();
        var counted = new List<CounterTarget>();
        var releasedOnly = new List<CounterTarget>();
        foreach (var budget in budgets)
        {
            var window = BudgetPeriods.WindowOf(budget, occurredAt);
            // Usage from before a reset in the same period is not part of the spend since the reset.
            (occurredAt >= window.Start ? counted : releasedOnly).Add(new CounterTarget(budget, window));
        }

        var spends = await counter.SettleAsync(counted, record.RequestId, cost);
        if (releasedOnly.Count > 0)
        {
            await counter.SettleAsync(releasedOnly, record.RequestId, cost: null);
        }

        for (var i = 0; i < counted.Count; i++)
        {
            var spend = spends[i] ?? await store.SumSpendAsync(counted[i].Budget, counted[i].Window, cancellationToken);
            await alerts.CheckAsync(counted[i], spend, cancellationToken);
        }
    }

    /// <summary>Returns the current period of a budget with its spend and reservations, from the counter when it is loaded.</summary>
    public async Task<BudgetStatus> GetStatusAsync(Budget budget, CancellationToken cancellationToken)
    {
        var target = new CounterTarget(budget, BudgetPeriods.WindowOf(budget, time.GetUtcNow()));
        var counters = await counter.ReadAsync(target);
        if (counters is { } loaded)
        {
            return new BudgetStatus(target.Window.Start, target.Window.End, loaded.Spend, loaded.Reserved, CounterLoaded: true);
        }

        var stored = await store.SumSpendAsync(budget, target.Window, cancellationToken);
        return new BudgetStatus(target.Window.Start, target.Window.End, stored, 0m, CounterLoaded: false);
    }

    /// <summary>Starts the budget's spend again from zero now: stores the reset and deletes the current counter.</summary>
    public async Task<Budget?> ResetAsync(Guid budgetId, CancellationToken cancellationToken)
    {
        var before = await store.FindAsync(budgetId, cancellationToken);
        if (before is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var budget = await store.ResetAsync(budgetId, now, cancellationToken);
        if (budget is null)
        {
            return null;
        }

        // The window key includes the reset instant, so the next reservation loads a new counter from the ledger.
        // Deleting the old one frees its memory now rather than when it expires.
        await counter.DeleteAsync(new CounterTarget(before, BudgetPeriods.WindowOf(before, now)));
        Log.BudgetReset(logger, budgetId, now);
        return budget;
    }

    private async Task LoadAsync(CounterTarget target, CancellationToken cancellationToken)
    {
        var owner = Guid.NewGuid().ToString("N");
        if (!await counter.TryLockLoadAsync(target, owner, LoadLockLifetime))
        {
            // Another replica is loading this counter; the caller tries the reservation again.
            await Task.Delay(LoadWaitInterval, time, cancellationToken);
            return;
        }

        try
        {
            // NOTE: a usage row that commits while this sum runs and settles before the load finds no counter,
            // so its cost is missing from the loaded counter until the counter is loaded again.
            var spend = await store.SumSpendAsync(target.Budget, target.Window, cancellationToken);
            if (await counter.LoadAsync(target, spend))
            {
                Log.BudgetCounterLoaded(logger, target.Budget.Id, target.Window.Start, spend);
            }
        }
        finally
        {
            await counter.UnlockLoadAsync(target, owner);
        }
    }

    private async Task<List<CounterTarget>> TargetsOfAsync(BudgetReservation reservation, CancellationToken cancellationToken)
    {
        if (reservation.BudgetIds.Count == 0)
        {
            return [];
        }

        var budgets = await store.FindApplicableAsync(reservation.TenantId, reservation.KeyId, reservation.Model, cancellationToken);
        return budgets
            .Where(budget => reservation.BudgetIds.Contains(budget.Id))
            .Select(budget => new CounterTarget(budget, BudgetPeriods.WindowOf(budget, reservation.ReservedAt)))
            .ToList();
    }

    private BudgetRefusal RefuseExceeded(BudgetReservationRequest request, CounterTarget target, decimal spend, decimal reserved)
    {
        var budget = target.Budget;
        var period = budget.Period == BudgetPeriod.Daily ? "daily" : "monthly";
        Log.BudgetExceeded(logger, request.RequestId, budget.Id, budget.Scope, period, spend, reserved, budget.LimitUsd, request.EstimatedCost);
        var message = $"The {period} {DescribeScope(budget)} budget of ${budget.LimitUsd:0.00########} has no room for this request: ${spend:0.00########} spent "
            + $"and ${reserved:0.00########} held by running requests, and this request is estimated at ${request.EstimatedCost:0.00########}. "
            + $"It renews at {target.Window.End:yyyy-MM-dd HH:mm} UTC; ask your administrator to raise or reset budget {budget.Id} sooner.";
        return Refuse(BudgetExceededCode, message, target, spend, reserved, request.EstimatedCost);
    }

    private static BudgetRefusal Refuse(string code, string message, CounterTarget target, decimal spend, decimal reserved, decimal estimatedCost) => new(
        code,
        message,
        target.Budget.Id,
        target.Budget.Scope,
        target.Budget.Period == BudgetPeriod.Daily ? "daily" : "monthly",
        target.Budget.LimitUsd,
        spend,
        reserved,
        estimatedCost,
        target.Window.End);

    private static string DescribeScope(Budget budget) => budget.Scope switch
    {
        "tenant" => "tenant",
        "key" => "API key",
        _ => $"API key and model '{budget.Model}'",
    };
}

/// <summary>A budget's current period as the admin API reports it.</summary>
/// <param name="PeriodStart">The first instant of the period, or the last reset when it is later.</param>
/// <param name="PeriodEnd">The first instant after the period.</param>
/// <param name="Spend">Recorded spend in US dollars.</param>
/// <param name="Reserved">The amount held by running requests, in US dollars.</param>
/// <param name="CounterLoaded">True when the numbers come from the Redis counter, false when the spend was summed from the ledger.</param>
public sealed record BudgetStatus(DateTimeOffset PeriodStart, DateTimeOffset PeriodEnd, decimal Spend, decimal Reserved, bool CounterLoaded);
