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

    [Fact]
    public void Calculate_AnthropicResponseWithCacheWrite_MatchesGoldenCost()
    {
        // Anthropic's input_tokens (3) exclude cache_creation_input_tokens (12,304) and cache_read_input_tokens (0):
        // 3 × 3 + 12,304 × 3.75 + 0 × 0.30 + 550 × 15 = 9 + 46,140 + 8,250 = 54,399 dollars per million tokens.
        var price = new ModelPrice(
            "anthropic", "golden", InputPerMillion: 3m, OutputPerMillion: 15m, CachedInputPerMillion: 0.30m, new DateOnly(2025, 1, 1), CacheWritePerMillion: 3.75m);
        var usage = ProviderUsage.FromAnthropic(inputTokens: 3, cacheCreationInputTokens: 12_304, cacheReadInputTokens: 0, outputTokens: 550);

        var cost = PriceCalculator.Calculate(price, usage);

        Assert.Equal(0.054399m, cost);
    }

    [Fact]
    public void Calculate_AnthropicResponseWithOwnPrices_MatchesHandComputedCost()
    {
        // 1,000 uncached × 0.80 + 5,000 read × 0.08 + 2,000 written × 1.00 + 400 output × 4.00
        // = 800 + 400 + 2,000 + 1,600 = 4,800 dollars per million tokens.
        var price = new ModelPrice(
            "anthropic", "own", InputPerMillion: 0.80m, OutputPerMillion: 4m, CachedInputPerMillion: 0.08m, new DateOnly(2025, 1, 1), CacheWritePerMillion: 1m);
        var usage = ProviderUsage.FromAnthropic(inputTokens: 1_000, cacheCreationInputTokens: 2_000, cacheReadInputTokens: 5_000, outputTokens: 400);

        var cost = PriceCalculator.Calculate(price, usage);

        Assert.Equal(0.0048m, cost);
    }

    [Fact]
    public void FromAnthropic_CacheFields_AddsThemToInput()
    {
        var usage = ProviderUsage.FromAnthropic(inputTokens: 3, cacheCreationInputTokens: 12_304, cacheReadInputTokens: 700, outputTokens: 550);

        Assert.Equal(13_007, usage.InputTokens);
        Assert.Equal(700, usage.CachedInputTokens);
        Assert.Equal(12_304, usage.CacheWriteTokens);
        Assert.Equal(550, usage.OutputTokens);
    }

    [Fact]
    public void FromOpenAi_CachedTokens_KeepsPromptTokensAsInput()
    {
        var usage = ProviderUsage.FromOpenAi(promptTokens: 1_239_328, cachedTokens: 1_188_096, completionTokens: 12_909);

        Assert.Equal(1_239_328, usage.InputTokens);
        Assert.Equal(1_188_096, usage.CachedInputTokens);
        Assert.Equal(0, usage.CacheWriteTokens);
        Assert.Equal(12_909, usage.OutputTokens);
    }

    [Fact]
    public void FromOpenAi_CachedAbovePrompt_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ProviderUsage.FromOpenAi(promptTokens: 10, cachedTokens: 11, completionTokens: 0));
    }

    [Fact]
    public void Calculate_CacheWritesAboveUncachedInput_Throws()
    {
        var price = new ModelPrice("anthropic", "own", 3m, 15m, 0.30m, new DateOnly(2025, 1, 1), 3.75m);

        Assert.Throws<ArgumentOutOfRangeException>(
            () => PriceCalculator.Calculate(price, inputTokens: 100, cachedInputTokens: 60, outputTokens: 0, cacheWriteTokens: 41));
    }
}
