namespace AspireAi.Billing.Budgets;

/// <summary>The length of a budget period.</summary>
public enum BudgetPeriod
{
    /// <summary>From midnight to midnight in the tenant's time zone.</summary>
    Daily,

    /// <summary>From the first of the month to the first of the next month in the tenant's time zone.</summary>
    Monthly,
}

/// <summary>What happens when a budget is used up.</summary>
public enum BudgetEnforcement
{
    /// <summary>Requests that would exceed the limit are rejected.</summary>
    Hard,

    /// <summary>Requests are admitted; only alerts are sent.</summary>
    Soft,
}

/// <summary>A stored budget.</summary>
/// <param name="Id">The budget's id.</param>
/// <param name="TenantId">The tenant whose spend it limits.</param>
/// <param name="KeyId">The API key it limits, or null for the tenant's whole spend.</param>
/// <param name="Model">The model it limits through <paramref name="KeyId"/>, or null for every model.</param>
/// <param name="Period">The period after which spend starts again from zero.</param>
/// <param name="LimitUsd">The limit in US dollars per period.</param>
/// <param name="Enforcement">Whether the limit rejects requests or only alerts.</param>
/// <param name="AlertThresholds">Percentages of the limit at which an alert is sent, once per period each.</param>
/// <param name="ResetAt">The last manual reset. Spend in the period that contains it counts from this instant.</param>
/// <param name="TimeZone">The tenant's time zone id, in which periods start.</param>
internal sealed record Budget(
    Guid Id,
    Guid TenantId,
    Guid? KeyId,
    string? Model,
    BudgetPeriod Period,
    decimal LimitUsd,
    BudgetEnforcement Enforcement,
    IReadOnlyList<int> AlertThresholds,
    DateTimeOffset? ResetAt,
    string TimeZone)
{
    /// <summary>Returns the scope name used in messages and responses: tenant, key or key_model.</summary>
    public string Scope => (KeyId, Model) switch
    {
        (null, _) => "tenant",
        (_, null) => "key",
        _ => "key_model",
    };
}

/// <summary>One period of a budget: the UTC instants it covers and the name of its spend counter.</summary>
/// <param name="Start">The first instant of the period, or the budget's reset when that is later.</param>
/// <param name="End">The first instant after the period.</param>
/// <param name="Key">A name unique to the budget, the period and the last reset, used for the Redis counter.</param>
internal readonly record struct BudgetWindow(DateTimeOffset Start, DateTimeOffset End, string Key);

/// <summary>Computes budget periods in a tenant's time zone.</summary>
internal static class BudgetPeriods
{
    /// <summary>Returns the period of <paramref name="budget"/> that contains <paramref name="instant"/>.</summary>
    public static BudgetWindow WindowOf(Budget budget, DateTimeOffset instant)
    {
        var zone = FindTimeZone(budget.TimeZone) ?? TimeZoneInfo.Utc;
        var local = TimeZoneInfo.ConvertTime(instant, zone).DateTime;

        var localStart = budget.Period == BudgetPeriod.Daily
            ? local.Date
            : new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified);
        var localEnd = budget.Period == BudgetPeriod.Daily ? localStart.AddDays(1) : localStart.AddMonths(1);

        var start = ToUtc(localStart, zone);
        var end = ToUtc(localEnd, zone);

        var resetTicks = 0L;
        if (budget.ResetAt is { } resetAt && resetAt > start && resetAt < end)
        {
            start = resetAt.ToUniversalTime();
            resetTicks = start.UtcTicks;
        }

        var periodName = budget.Period == BudgetPeriod.Daily
            ? localStart.ToString("'d'yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture)
            : localStart.ToString("'m'yyyyMM", System.Globalization.CultureInfo.InvariantCulture);
        var key = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{budget.Id:N}:{periodName}:{resetTicks}");
        return new BudgetWindow(start, end, key);
    }

    /// <summary>Returns the time zone with the IANA or Windows id, or null when this machine does not know it.</summary>
    public static TimeZoneInfo? FindTimeZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException)
        {
            return null;
        }
        catch (InvalidTimeZoneException)
        {
            return null;
        }
    }

    private static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone)
    {
        // A zone that moves its clocks at midnight skips that midnight on one day a year, so the
        // period then starts at the first valid local time after it.
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }
}
