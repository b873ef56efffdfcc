using System.Collections.Frozen;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AspireAi.BillingClient;

/// <summary>The ids of API keys that billing revoked recently, as last fetched by <see cref="KeyRevocationWatcher"/>.</summary>
public sealed class RevokedKeySet
{
    private FrozenSet<Guid> _keyIds = FrozenSet<Guid>.Empty;
    private FrozenDictionary<Guid, DateTimeOffset> _changedSeenAt = FrozenDictionary<Guid, DateTimeOffset>.Empty;

    /// <summary>True when <paramref name="keyId"/> was in the last list billing returned.</summary>
    /// <param name="keyId">The key's id.</param>
    /// <returns>Whether the key is revoked.</returns>
    public bool Contains(Guid keyId) => Volatile.Read(ref _keyIds).Contains(keyId);

    /// <summary>
    /// Returns when this replica first saw that a rotation changed the key's expiry, or
    /// <see langword="null"/> when no recent rotation changed it. A check cached before that instant is stale.
    /// </summary>
    /// <param name="keyId">The key's id.</param>
    /// <returns>The instant, or <see langword="null"/>.</returns>
    public DateTimeOffset? ChangedAt(Guid keyId) =>
        Volatile.Read(ref _changedSeenAt).TryGetValue(keyId, out var seenAt) ? seenAt : null;

    /// <summary>Replaces the set with the keys of a newer list.</summary>
    internal void Replace(IEnumerable<Guid> keyIds) => Volatile.Write(ref _keyIds, keyIds.ToFrozenSet());

    /// <summary>Replaces the changed keys, keeping the first-seen instant of keys already known.</summary>
    internal void ReplaceChanged(IEnumerable<Guid> keyIds, DateTimeOffset now)
    {
        var previous = Volatile.Read(ref _changedSeenAt);
        var next = keyIds.Distinct().ToFrozenDictionary(id => id, id => previous.TryGetValue(id, out var seenAt) ? seenAt : now);
        Volatile.Write(ref _changedSeenAt, next);
    }
}

/// <summary>
/// Fetches the keys revoked recently from billing every <see cref="BillingClientOptions.RevocationPollInterval"/>, so
/// <see cref="ApiKeyAuthenticator"/> rejects a revoked key within that interval instead of when its cache entry ends.
/// </summary>
/// <remarks>
/// Polling is chosen over Redis pub/sub for two reasons. Embedding-search has no Redis connection. And a pub/sub
/// message is lost by a replica that is reconnecting when it is sent, while each poll asks again for every revocation
/// in a window longer than the key cache lifetime, so a missed poll is repaired by the next one. The cost is one small
/// request per replica per interval, whatever the number of keys.
/// </remarks>
internal sealed class KeyRevocationWatcher(
    IServiceProvider services,
    RevokedKeySet revokedKeys,
    IOptions<BillingClientOptions> options,
    TimeProvider time,
    ILogger<KeyRevocationWatcher> logger) : BackgroundService
{
    // Added to the key cache lifetime when choosing how far back to ask, so a replica whose clock is behind
    // billing's by up to this much still receives every revocation that a cached identity could outlive.
    private static readonly TimeSpan ClockSkewMargin = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.RevocationPollInterval <= TimeSpan.Zero)
        {
            return;
        }

        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var since = time.GetUtcNow() - settings.KeyCacheDuration - ClockSkewMargin;
            try
            {
                var revoked = await services.GetRequiredService<BillingApiClient>().GetRevokedKeysAsync(since, stoppingToken);
                revokedKeys.Replace(revoked.KeyIds);
                revokedKeys.ReplaceChanged(revoked.ChangedKeyIds ?? [], time.GetUtcNow());
                if (failing)
                {
                    Log.RevocationPollRecovered(logger);
                    failing = false;
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The last list stays in use. Only the first failure of an outage is a warning, so a long outage
                // does not log once per interval.
                if (!failing)
                {
                    Log.RevocationPollFailed(logger, settings.RevocationPollInterval, exception);
                    failing = true;
                }
                else
                {
                    Log.RevocationPollStillFailing(logger, exception);
                }
            }

            await Task.Delay(settings.RevocationPollInterval, time, stoppingToken);
        }
    }
}
