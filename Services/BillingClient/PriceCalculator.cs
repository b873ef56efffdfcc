namespace AspireAi.BillingClient;

/// <summary>
/// Prices token counts. Billing uses it for the ledger and the gateway for its cost headers, so
/// both always agree to the last decimal place.
/// </summary>
public static class PriceCalculator
{
    /// <summary>The number of decimal places a cost is rounded to (a ten-billionth of a dollar).</summary>
    public const int CostScale = 10;

    private const decimal TokensPerPriceUnit = 1_000_000m;

    /// <summary>
    /// Computes the cost of one request: uncached input, cached input and output, each at its own
    /// price per million tokens, rounded half away from zero to <see cref="CostScale"/> places.
    /// </summary>
    /// <param name="price">The price in effect.</param>
    /// <param name="inputTokens">Input tokens, cached ones included.</param>
    /// <param name="cachedInputTokens">The cached part of <paramref name="inputTokens"/>.</param>
    /// <param name="outputTokens">Output tokens.</param>
    /// <returns>The cost in US dollars.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative, or the cached count exceeds the input count.</exception>
    public static decimal Calculate(ModelPrice price, long inputTokens, long cachedInputTokens, long outputTokens) =>
        Calculate(price, inputTokens, cachedInputTokens, outputTokens, cacheWriteTokens: 0);

    /// <summary>
    /// Computes the cost of one request: uncached input, cached input, cache writes and output, each at its own
    /// price per million tokens, rounded half away from zero to <see cref="CostScale"/> places.
    /// </summary>
    /// <param name="price">The price in effect.</param>
    /// <param name="inputTokens">All input tokens, cached reads and cache writes included (see <see cref="ProviderUsage"/>).</param>
    /// <param name="cachedInputTokens">The part of <paramref name="inputTokens"/> read from the provider's prompt cache.</param>
    /// <param name="outputTokens">Output tokens.</param>
    /// <param name="cacheWriteTokens">The part of <paramref name="inputTokens"/> written to the provider's prompt cache.</param>
    /// <returns>The cost in US dollars.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// A count is negative, or the cached reads and cache writes together exceed the input count.
    /// </exception>
    public static decimal Calculate(ModelPrice price, long inputTokens, long cachedInputTokens, long outputTokens, long cacheWriteTokens)
    {
        ArgumentNullException.ThrowIfNull(price);
        ArgumentOutOfRangeException.ThrowIfNegative(inputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(cachedInputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(outputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(cacheWriteTokens);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cachedInputTokens, inputTokens);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cacheWriteTokens, inputTokens - cachedInputTokens);

        var uncachedInput = inputTokens - cachedInputTokens - cacheWriteTokens;
        var cost = (uncachedInput * price.InputPerMillion
                    + cachedInputTokens * price.CachedInputPerMillion
                    + cacheWriteTokens * price.CacheWritePerMillion
                    + outputTokens * price.OutputPerMillion) / TokensPerPriceUnit;

        return Math.Round(cost, CostScale, MidpointRounding.AwayFromZero);
    }

    /// <summary>Computes the cost of <paramref name="usage"/> at <paramref name="price"/>.</summary>
    /// <param name="price">The price in effect.</param>
    /// <param name="usage">Token counts mapped by <see cref="ProviderUsage"/>.</param>
    /// <returns>The cost in US dollars.</returns>
    public static decimal Calculate(ModelPrice price, TokenUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return Calculate(price, usage.InputTokens, usage.CachedInputTokens, usage.OutputTokens, usage.CacheWriteTokens);
    }
}
