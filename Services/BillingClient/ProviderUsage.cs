namespace AspireAi.BillingClient;

/// <summary>Token counts in the form that <see cref="UsageRecord"/> and <see cref="PriceCalculator"/> take.</summary>
/// <param name="InputTokens">All input tokens, cached reads and cache writes included.</param>
/// <param name="CachedInputTokens">The part of <paramref name="InputTokens"/> read from the provider's prompt cache.</param>
/// <param name="CacheWriteTokens">The part of <paramref name="InputTokens"/> written to the provider's prompt cache.</param>
/// <param name="OutputTokens">Output tokens.</param>
public sealed record TokenUsage(long InputTokens, long CachedInputTokens, long CacheWriteTokens, long OutputTokens);

/// <summary>
/// Maps the usage fields of each provider's response into <see cref="TokenUsage"/>. The providers count input
/// differently, and a wrong mapping bills cached tokens twice or not at all.
/// </summary>
public static class ProviderUsage
{
    /// <summary>
    /// Maps an OpenAI <c>usage</c> object. OpenAI's <c>prompt_tokens</c> already include
    /// <c>prompt_tokens_details.cached_tokens</c>, so they are taken as they are. OpenAI charges nothing extra for
    /// cache writes.
    /// </summary>
    /// <param name="promptTokens"><c>prompt_tokens</c>.</param>
    /// <param name="cachedTokens"><c>prompt_tokens_details.cached_tokens</c>, or 0 when absent.</param>
    /// <param name="completionTokens"><c>completion_tokens</c>.</param>
    /// <returns>The counts to record.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative, or <paramref name="cachedTokens"/> exceeds <paramref name="promptTokens"/>.</exception>
    public static TokenUsage FromOpenAi(long promptTokens, long cachedTokens, long completionTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(promptTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(cachedTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(completionTokens);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(cachedTokens, promptTokens);

        return new TokenUsage(promptTokens, cachedTokens, 0, completionTokens);
    }

    /// <summary>
    /// Maps an Anthropic Messages API <c>usage</c> object. Anthropic's <c>input_tokens</c> are only the tokens after
    /// the last cache breakpoint: they exclude <c>cache_read_input_tokens</c> and <c>cache_creation_input_tokens</c>,
    /// so the total input is the sum of the three.
    /// </summary>
    /// <param name="inputTokens"><c>input_tokens</c>.</param>
    /// <param name="cacheCreationInputTokens"><c>cache_creation_input_tokens</c>, or 0 when absent.</param>
    /// <param name="cacheReadInputTokens"><c>cache_read_input_tokens</c>, or 0 when absent.</param>
    /// <param name="outputTokens"><c>output_tokens</c>.</param>
    /// <returns>The counts to record.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    public static TokenUsage FromAnthropic(long inputTokens, long cacheCreationInputTokens, long cacheReadInputTokens, long outputTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(cacheCreationInputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(cacheReadInputTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(outputTokens);

        var total = checked(inputTokens + cacheCreationInputTokens + cacheReadInputTokens);
        return new TokenUsage(total, cacheReadInputTokens, cacheCreationInputTokens, outputTokens);
    }
}
