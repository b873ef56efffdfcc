using AspireAi.BillingClient;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AspireAi.Completion.Usage;

/// <summary>Billing's current prices, cached for <see cref="BillingClientOptions.PriceCacheDuration"/>.</summary>
public sealed class PriceBook(BillingApiClient billing, IMemoryCache cache, IOptions<BillingClientOptions> options)
{
    private const string CacheKey = "aspireai:prices";
    private const string LastKnownKey = "aspireai:prices:last-known";

    /// <summary>Finds the price of a model, preferring the given provider's entry.</summary>
    /// <param name="provider">The provider that served the model.</param>
    /// <param name="model">The model.</param>
    /// <param name="cancellationToken">Cancels a refresh from billing.</param>
    /// <returns>The price, or <see langword="null"/> when billing has none.</returns>
    /// <exception cref="HttpRequestException">Billing is unreachable and no price list was ever loaded.</exception>
    public async Task<ModelPrice?> FindAsync(string provider, string model, CancellationToken cancellationToken)
    {
        IReadOnlyList<ModelPrice> prices;
        try
        {
            prices = await cache.GetOrCreateAsync(CacheKey, async entry =>
            {
                entry.AbsoluteExpirationRelativeToNow = options.Value.PriceCacheDuration;
                var fresh = await billing.GetPricesAsync(cancellationToken);
                cache.Set(LastKnownKey, fresh);
                return fresh;
            }) ?? [];
        }
        catch (HttpRequestException) when (cache.TryGetValue(LastKnownKey, out IReadOnlyList<ModelPrice>? lastKnown) && lastKnown is not null)
        {
            // While billing is down, the last list it sent prices the usage that waits in the outbox.
            prices = lastKnown;
        }

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
