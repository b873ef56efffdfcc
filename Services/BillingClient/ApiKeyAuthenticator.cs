using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AspireAi.BillingClient;

/// <summary>
/// Resolves API keys to identities through billing and caches the answer briefly, so a busy key
/// costs one billing call per cache period rather than one per request. A cached identity is dropped
/// as soon as <see cref="RevokedKeySet"/> lists its key, and is never kept past the key's expiry.
/// </summary>
public sealed class ApiKeyAuthenticator(
    BillingApiClient billing, IMemoryCache cache, RevokedKeySet revokedKeys, TimeProvider time, IOptions<BillingClientOptions> options)
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
        if (cache.TryGetValue(cacheKey, out CachedIdentity? cached) && cached is not null
            && !(cached.Identity is { } cachedIdentity && revokedKeys.ChangedAt(cachedIdentity.KeyId) is { } changedAt && changedAt >= cached.CachedAt))
        {
            if (cached.Identity is null || !revokedKeys.Contains(cached.Identity.KeyId))
            {
                return cached.Identity;
            }

            // Revoked after it was cached: billing would reject it now, so the rejection is cached as well.
            cache.Remove(cacheKey);
            CacheFor(cacheKey, null, _options.RejectedKeyCacheDuration);
            return null;
        }

        var identity = await billing.ValidateKeyAsync(apiKey, cancellationToken);
        var duration = identity is null ? _options.RejectedKeyCacheDuration : _options.KeyCacheDuration;
        if (identity?.ExpiresAt is { } expiresAt)
        {
            var untilExpiry = expiresAt - time.GetUtcNow();
            duration = untilExpiry < duration ? untilExpiry : duration;
        }

        CacheFor(cacheKey, identity, duration);
        return identity;
    }

    private void CacheFor(string cacheKey, ApiKeyIdentity? identity, TimeSpan duration)
    {
        if (duration > TimeSpan.Zero)
        {
            cache.Set(cacheKey, new CachedIdentity(identity, time.GetUtcNow()), duration);
        }
    }

    /// <summary>A cached check and when it was made; a rotation seen after that instant makes it stale.</summary>
    private sealed record CachedIdentity(ApiKeyIdentity? Identity, DateTimeOffset CachedAt);
}
