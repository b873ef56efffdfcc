using AspireAi.BillingClient;

namespace AspireAi.Billing.Tests.Pricing;

/// <summary>Costs computed by hand from provider usage fields, to the last decimal place.</summary>
public sealed class GoldenCostTests
{
    [Fact]
    public void Calculate_OpenAiResponseWithCachedPrompt_MatchesGoldenCost()
    {
        // OpenAI's prompt_tokens (1,239,328) include cached_tokens (1,188,096): 51,232 uncached × 1.25
        // + 1,188,096 cached × 0.125 + 12,909 completion × 10 = 341,642 dollars per million tokens.
        var price = new ModelPrice("openai", "golden", InputPerMillion: 1.25m, OutputPerMillion: 10m, CachedInputPerMillion: 0.125m, new DateOnly(2025, 1, 1));

        var cost = PriceCalculator.Calculate(price, inputTokens: 1_239_328, cachedInputTokens: 1_188_096, outputTokens: 12_909);

        Assert.Equal(0.341642m, cost);
    }

    [Fact]
    public void Calculate_OpenAiResponseWithOwnPrices_MatchesHandComputedCost()
    {
        // 2,000 uncached × 0.40 + 8,000 cached × 0.10 + 3,000 completion × 1.60 = 6,400 dollars per million tokens.
        var price = new ModelPrice("openai", "own", InputPerMillion: 0.40m, OutputPerMillion: 1.60m, CachedInputPerMillion: 0.10m, new DateOnly(2025, 1, 1));

        var cost = PriceCalculator.Calculate(price, inputTokens: 10_000, cachedInputTokens: 8_000, outputTokens: 3_000);

        Assert.Equal(0.0064m, cost);
    }
}
