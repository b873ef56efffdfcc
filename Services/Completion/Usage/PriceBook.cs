using AspireAi.BillingClient;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AspireAi.Completion.Usage;

/// <summary>Billing's current prices, cached for <see cref="BillingClientOptions.PriceCacheDuration"/>.</summary>
public sealed class PriceBook(BillingApiClient billing, IMemoryCache cache, IOptions<BillingClientOptions> options)
{
    private const string CacheKey = "aspireai:prices";

    /// <summary>Finds the price of a model, preferring the given provider's entry.</summary>
    /// <param name="provider">The provider that served the model.</param>
    /// <param name="model">The model.</param>
    /// <param name="cancellationToken">Cancels a refresh from billing.</param>
    /// <returns>The price, or <see langword="null"/> when billing has none.</returns>
    public async Task<ModelPrice?> FindAsync(string provider, string model, CancellationToken cancellationToken)
    {
        var prices = await cache.GetOrCreateAsync(CacheKey, async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = options.Value.PriceCacheDuration;
            return await billing.GetPricesAsync(cancellationToken);
        }) ?? [];

        ModelPrice? match = null;
        foreach (var price in prices)
        {
            if (!string.Equals(price.Model, model, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (string.Equals(price.Provider, provider, StringComparison.OrdinalIgnoreCase))
            {
                return price;
            }

            match ??= price;
        }

        return match;
    }
}
