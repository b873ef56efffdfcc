using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AspireAi.BillingClient;

/// <summary>
/// Resolves API keys to identities through billing and caches the answer briefly, so a busy key
/// costs one billing call per cache period rather than one per request.
/// </summary>
public sealed class ApiKeyAuthenticator(BillingApiClient billing, IMemoryCache cache, IOptions<BillingClientOptions> options)
{
    private readonly BillingClientOptions _options = options.Value;

    /// <summary>Returns the identity behind a key, or <see langword="null"/> when billing rejects it.</summary>
    /// <param name="apiKey">The plaintext key.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The identity, or <see langword="null"/>.</returns>
    public async Task<ApiKeyIdentity?> AuthenticateAsync(string apiKey, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            return null;
        }

        // The cache is keyed by a hash so plaintext keys never sit in memory longer than a request.
        var cacheKey = "apikey:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));
        if (cache.TryGetValue(cacheKey, out CachedIdentity? cached) && cached is not null)
        {
            return cached.Identity;
        }

        var identity = await billing.ValidateKeyAsync(apiKey, cancellationToken);
        var duration = identity is null ? _options.RejectedKeyCacheDuration : _options.KeyCacheDuration;
        if (duration > TimeSpan.Zero)
        {
            cache.Set(cacheKey, new CachedIdentity(identity), duration);
        }

        return identity;
    }

    private sealed record CachedIdentity(ApiKeyIdentity? Identity);
}
