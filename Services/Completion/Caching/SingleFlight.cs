using System.Collections.Concurrent;
using StackExchange.Redis;

namespace AspireAi.Completion.Caching;

/// <summary>
/// Lets one of several identical concurrent cache misses call the provider while the others wait
/// for its response to land in the cache: within a replica through a shared task, across replicas
/// through a short Redis lock.
/// </summary>
public sealed class SingleFlight(IConnectionMultiplexer redis)
{
    /// <summary>How long a Redis lock lives if its holder dies without releasing it.</summary>
    public static readonly TimeSpan LockLifetime = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentDictionary<string, TaskCompletionSource> _local = new(StringComparer.Ordinal);

    /// <summary>
    /// Waits until no other caller is fetching <paramref name="cacheKey"/>, then either returns a
    /// lease (the caller fetches and must dispose the lease when the cache contains the response or the
    /// call failed) or <see langword="null"/> when another caller finished first and the caller
    /// should read the cache again.
    /// </summary>
    /// <param name="cacheKey">The cache key of the request.</param>
    /// <param name="maxWait">How long to wait for another caller before fetching anyway.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A lease, or <see langword="null"/> after waiting for another caller.</returns>
    public async Task<IAsyncDisposable?> AcquireAsync(string cacheKey, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var current = _local.GetOrAdd(cacheKey, mine);
        if (!ReferenceEquals(current, mine))
        {
            // Another request in this replica is fetching: wait for it, then read the cache.
            await current.Task.WaitAsync(maxWait, cancellationToken).ConfigureAwait(false);
            return null;
        }

        var lockKey = cacheKey + ":lock";
        var token = Guid.NewGuid().ToString("N");
        var database = redis.GetDatabase();
        var deadline = DateTime.UtcNow + maxWait;
        try
        {
            while (!await database.StringSetAsync(lockKey, token, LockLifetime, When.NotExists).ConfigureAwait(false))
            {
                // Another replica holds the lock: wait until it releases it or it expires.
                if (DateTime.UtcNow >= deadline)
                {
                    break;
                }

                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
                if (await database.KeyExistsAsync(cacheKey).ConfigureAwait(false))
                {
                    Release(cacheKey, mine);
                    return null;
                }
            }
        }
        catch
        {
            Release(cacheKey, mine);
            throw;
        }

        var lease = new Lease(this, database, cacheKey, lockKey, token, mine);
        if (await database.KeyExistsAsync(cacheKey).ConfigureAwait(false))
        {
            // Another caller, in this replica or another, stored its response and released the lock
            // between the caller's cache lookup and this lock, so there is nothing left to fetch.
            await lease.DisposeAsync().ConfigureAwait(false);
            return null;
        }

        return lease;
    }

    private void Release(string cacheKey, TaskCompletionSource source)
    {
        _local.TryRemove(new KeyValuePair<string, TaskCompletionSource>(cacheKey, source));
        source.TrySetResult();
    }

    private sealed class Lease(SingleFlight owner, IDatabase database, string cacheKey, string lockKey, string token, TaskCompletionSource source) : IAsyncDisposable
    {
        // Deletes the lock only if this lease still owns it, so an expired and re-taken lock survives.
        private const string ReleaseScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

        public async ValueTask DisposeAsync()
        {
            try
            {
                await database.ScriptEvaluateAsync(ReleaseScript, [lockKey], [token]).ConfigureAwait(false);
            }
            finally
            {
                owner.Release(cacheKey, source);
            }
        }
    }
}
