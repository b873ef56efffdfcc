using AspireAi.BillingClient;

namespace AspireAi.Billing.Tests.Pricing;

public sealed class PriceCalculatorTests
{
    private static readonly ModelPrice Gpt4oMini = new("openai", "gpt-4o-mini", 0.15m, 0.60m, 0.075m, new DateOnly(2025, 1, 1));
    private static readonly ModelPrice ClaudeSonnet4 = new("anthropic", "claude-sonnet-4", 3.00m, 15.00m, 0.30m, new DateOnly(2025, 1, 1));

    [Fact]
    public void Calculate_InputAndOutput_MatchesHandComputedCost()
    {
        // 1000 × 0.15 / 1e6 = 0.00015 and 500 × 0.60 / 1e6 = 0.0003.
        var cost = PriceCalculator.Calculate(Gpt4oMini, inputTokens: 1000, cachedInputTokens: 0, outputTokens: 500);

        Assert.Equal(0.00045m, cost);
    }

    [Fact]
    public void Calculate_CachedInput_UsesCachedPrice()
    {
        // 600 uncached × 3.00 = 0.0018, 400 cached × 0.30 = 0.00012, 200 output × 15.00 = 0.003; per million.
        var cost = PriceCalculator.Calculate(ClaudeSonnet4, inputTokens: 1000, cachedInputTokens: 400, outputTokens: 200);

        Assert.Equal(0.00492m, cost);
    }

    [Fact]
    public void Calculate_OneToken_KeepsTenDecimalPlaces()
    {
        // One cached token of gpt-4o-mini: 0.075 / 1e6 = 0.000000075.
        var cost = PriceCalculator.Calculate(Gpt4oMini, inputTokens: 1, cachedInputTokens: 1, outputTokens: 0);

        Assert.Equal(0.000000075m, cost);
    }

    [Fact]
    public void Calculate_Midpoint_RoundsAwayFromZero()
    {
        var price = new ModelPrice("test", "midpoint", 0.00005m, 0m, 0m, new DateOnly(2025, 1, 1));

        // 1 × 0.00005 / 1e6 = 0.00000000005, exactly half of the tenth decimal place.
        var cost = PriceCalculator.Calculate(price, inputTokens: 1, cachedInputTokens: 0, outputTokens: 0);

        Assert.Equal(0.0000000001m, cost);
        Assert.Equal(PriceCalculator.CostScale, cost.Scale);
    }

    [Fact]
    public void Calculate_BelowHalfOfTenthPlace_RoundsDown()
    {
        var price = new ModelPrice("test", "below-midpoint", 0.00004m, 0m, 0m, new DateOnly(2025, 1, 1));

        var cost = PriceCalculator.Calculate(price, inputTokens: 1, cachedInputTokens: 0, outputTokens: 0);

        Assert.Equal(0m, cost);
    }

    [Fact]
    public void Calculate_LargeCounts_StaysExact()
    {
        // 2,000,000,000 input × 2.50 + 1,000,000,000 output × 10.00, per million: 5000 + 10000.
        var price = new ModelPrice("openai", "gpt-4o", 2.50m, 10.00m, 1.25m, new DateOnly(2025, 1, 1));

        var cost = PriceCalculator.Calculate(price, inputTokens: 2_000_000_000, cachedInputTokens: 0, outputTokens: 1_000_000_000);

        Assert.Equal(15000m, cost);
    }

    [Fact]
    public void Calculate_ZeroTokens_IsZero()
    {
        var cost = PriceCalculator.Calculate(Gpt4oMini, 0, 0, 0);

        Assert.Equal(0m, cost);
    }

    [Fact]
    public void Calculate_NullPrice_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => PriceCalculator.Calculate(null!, 1, 0, 1));
    }

    [Theory]
    [InlineData(-1L, 0L, 0L)]
    [InlineData(0L, -1L, 0L)]
    [InlineData(0L, 0L, -1L)]
    [InlineData(10L, 11L, 0L)]
    public void Calculate_InvalidCounts_ThrowsArgumentOutOfRange(long input, long cached, long output)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PriceCalculator.Calculate(Gpt4oMini, input, cached, output));
    }
}
