using AspireAi.Billing.Budgets;

namespace AspireAi.Billing.Tests.Budgets;

public sealed class BudgetPeriodsTests
{
    [Fact]
    public void WindowOf_MonthlyUtc_CoversCalendarMonth()
    {
        var budget = Budget(BudgetPeriod.Monthly, "UTC");

        var window = BudgetPeriods.WindowOf(budget, new DateTimeOffset(2025, 2, 14, 9, 30, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2025, 2, 1, 0, 0, 0, TimeSpan.Zero), window.Start);
        Assert.Equal(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), window.End);
    }

    [Fact]
    public void WindowOf_DailyInTokyo_StartsAtTokyoMidnight()
    {
        var budget = Budget(BudgetPeriod.Daily, "Asia/Tokyo");

        var window = BudgetPeriods.WindowOf(budget, new DateTimeOffset(2025, 6, 1, 16, 0, 0, TimeSpan.Zero));

        Assert.Equal(new DateTimeOffset(2025, 6, 1, 15, 0, 0, TimeSpan.Zero), window.Start);
        Assert.Equal(new DateTimeOffset(2025, 6, 2, 15, 0, 0, TimeSpan.Zero), window.End);
    }

    [Fact]
    public void WindowOf_ResetInsidePeriod_StartsAtResetWithNewKey()
    {
        var instant = new DateTimeOffset(2025, 6, 10, 12, 0, 0, TimeSpan.Zero);
        var before = BudgetPeriods.WindowOf(Budget(BudgetPeriod.Monthly, "UTC"), instant);

        var after = BudgetPeriods.WindowOf(Budget(BudgetPeriod.Monthly, "UTC") with { ResetAt = instant.AddHours(-1) }, instant);

        Assert.Equal(instant.AddHours(-1), after.Start);
        Assert.Equal(before.End, after.End);
        Assert.NotEqual(before.Key, after.Key);
    }

    private static Budget Budget(BudgetPeriod period, string timeZone) =>
        new(Guid.NewGuid(), Guid.NewGuid(), null, null, period, 1m, BudgetEnforcement.Hard, [], null, timeZone);
}
