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
    public static decimal Calculate(ModelPrice price, long inputTokens, long cachedInputTokens, long outputTokens)
    {
        ArgumentNullException.ThrowIfNull(price);
        ArgumentOutOfRangeException.ThrowIfNegative(inputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(cachedInputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(outputTokens);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cachedInputTokens, inputTokens);

        var uncachedInput = inputTokens - cachedInputTokens;
        var cost = (uncachedInput * price.InputPerMillion
                    + cachedInputTokens * price.CachedInputPerMillion
                    + outputTokens * price.OutputPerMillion) / TokensPerPriceUnit;

        return Math.Round(cost, CostScale, MidpointRounding.AwayFromZero);
    }
}
