using System.Globalization;
using AspireAi.BillingClient;
using AspireAi.Completion.Chat;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireAi.Completion.RateLimiting;

/// <summary>Which limit a rate-limit check counts against.</summary>
public enum RateLimitKind
{
    /// <summary>Requests per minute.</summary>
    Requests,

    /// <summary>Tokens per minute.</summary>
    Tokens,
}

/// <summary>
/// Enforces requests-per-minute and tokens-per-minute limits per API key and per tenant with token
/// buckets in Redis. One Lua script checks and takes from every bucket of a request atomically, so
/// all gateway replicas share the limits and a refused request takes nothing.
/// </summary>
/// <remarks>
/// A bucket holds up to one minute's allowance and refills continuously, so a client that stays at
/// 90 % of its limit is never refused, while a burst can use at most one minute's allowance.
/// </remarks>
public sealed class RateLimiter(IConnectionMultiplexer redis, IOptions<CompletionOptions> options, TimeProvider time)
{
    // KEYS are the buckets; ARGV[1] is the time in ms, then a capacity and a cost per bucket.
    // Returns {1} when every bucket had room, else {0, index of the first full bucket, ms until it has room}.
    private const string TakeScript = """
        local now = tonumber(ARGV[1])
        local levels = {}
        for i = 1, #KEYS do
          local capacity = tonumber(ARGV[2 * i])
          local cost = tonumber(ARGV[2 * i + 1])
          local state = redis.call('HMGET', KEYS[i], 'tokens', 'ts')
          local tokens = tonumber(state[1])
          local stamp = tonumber(state[2])
          if tokens == nil or stamp == nil then
            tokens = capacity
            stamp = now
          end
          local elapsed = now - stamp
          if elapsed < 0 then elapsed = 0 end
          tokens = math.min(capacity, tokens + elapsed * capacity / 60000)
          if tokens < cost then
            if cost > capacity then
              return {0, i, -1}
            end
            return {0, i, math.ceil((cost - tokens) * 60000 / capacity)}
          end
          levels[i] = tokens - cost
        end
        for i = 1, #KEYS do
          redis.call('HSET', KEYS[i], 'tokens', tostring(levels[i]), 'ts', tostring(now))
          redis.call('PEXPIRE', KEYS[i], 120000)
        end
        return {1}
        """;

    /// <summary>Takes one request or some tokens from every bucket that applies to the caller.</summary>
    /// <param name="identity">The caller.</param>
    /// <param name="kind">Which limit to count against.</param>
    /// <param name="amount">1 for a request, or the estimated tokens.</param>
    /// <returns><see langword="null"/> when admitted, else the 429 refusal.</returns>
    public async Task<ChatOutcome?> TryTakeAsync(ApiKeyIdentity identity, RateLimitKind kind, long amount)
    {
        ArgumentNullException.ThrowIfNull(identity);

        var buckets = Buckets(identity, kind).ToList();
        if (buckets.Count == 0 || amount <= 0)
        {
            return null;
        }

        var keys = buckets.Select(bucket => (RedisKey)bucket.Key).ToArray();
        var arguments = new List<RedisValue> { time.GetUtcNow().ToUnixTimeMilliseconds() };
        foreach (var bucket in buckets)
        {
            arguments.Add(bucket.Capacity);
            arguments.Add(amount);
        }

        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(TakeScript, keys, [.. arguments]))!;
        if ((long)result[0] == 1)
        {
            return null;
        }

        var refused = buckets[(int)(long)result[1] - 1];
        var retryAfterMs = (long)result[2];
        var unit = kind == RateLimitKind.Requests ? "requests" : "tokens";
        var code = $"aspireai_rate_limit_{refused.Scope}_{(kind == RateLimitKind.Requests ? "rpm" : "tpm")}";
        if (retryAfterMs < 0)
        {
            return ChatOutcome.Error(
                StatusCodes.Status429TooManyRequests,
                string.Create(CultureInfo.InvariantCulture, $"The request needs {amount} {unit}, more than the {refused.Scope}'s whole limit of {refused.Capacity} {unit} per minute. Lower max_tokens or the prompt size, or raise the limit."),
                "rate_limit_exceeded",
                code,
                "gateway");
        }

        var retryAfterSeconds = Math.Max(1, (long)Math.Ceiling(retryAfterMs / 1000d));
        return ChatOutcome.Error(
            StatusCodes.Status429TooManyRequests,
            string.Create(CultureInfo.InvariantCulture, $"The {refused.Scope}'s limit of {refused.Capacity} {unit} per minute is used up. Retry after {retryAfterSeconds} seconds."),
            "rate_limit_exceeded",
            code,
            "gateway",
            new Dictionary<string, string> { ["Retry-After"] = retryAfterSeconds.ToString(CultureInfo.InvariantCulture) });
    }

    private IEnumerable<(string Scope, string Key, int Capacity)> Buckets(ApiKeyIdentity identity, RateLimitKind kind)
    {
        var limits = options.Value.RateLimits;
        var suffix = kind == RateLimitKind.Requests ? "rpm" : "tpm";

        var keyPolicy = limits.Keys.GetValueOrDefault(identity.KeyId.ToString()) ?? limits.Default;
        var keyCapacity = kind == RateLimitKind.Requests ? keyPolicy.RequestsPerMinute : keyPolicy.TokensPerMinute;
        if (keyCapacity > 0)
        {
            yield return ("key", $"aspireai:ratelimit:key:{identity.KeyId:N}:{suffix}", keyCapacity);
        }

        if (limits.Tenants.TryGetValue(identity.TenantId.ToString(), out var tenantPolicy))
        {
            var tenantCapacity = kind == RateLimitKind.Requests ? tenantPolicy.RequestsPerMinute : tenantPolicy.TokensPerMinute;
            if (tenantCapacity > 0)
            {
                yield return ("tenant", $"aspireai:ratelimit:tenant:{identity.TenantId:N}:{suffix}", tenantCapacity);
            }
        }
    }
}
