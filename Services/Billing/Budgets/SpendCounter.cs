using System.Globalization;
using StackExchange.Redis;

namespace AspireAi.Billing.Budgets;

/// <summary>The result of a reservation attempt on the Redis counters.</summary>
internal enum ReserveOutcome
{
    Reserved,
    Refused,
    Cold,
}

/// <summary>What <see cref="SpendCounter.ReserveAsync"/> found.</summary>
/// <param name="Outcome">Reserved, refused by a hard budget, or stopped at a counter that is not loaded.</param>
/// <param name="Index">For Refused and Cold, the position of the budget in the list passed in.</param>
/// <param name="Spend">For Refused, that budget's recorded spend.</param>
/// <param name="Reserved">For Refused, the amount that running requests hold on it.</param>
internal sealed record ReserveResult(ReserveOutcome Outcome, int Index, decimal Spend, decimal Reserved);

/// <summary>One budget counter that a script reads or changes.</summary>
/// <param name="Budget">The budget.</param>
/// <param name="Window">The period whose counter is meant.</param>
internal sealed record CounterTarget(Budget Budget, BudgetWindow Window);

/// <summary>
/// The spend counters shared by every billing replica: one Redis hash per budget period with the recorded
/// spend, the total held by reservations and one field per reservation, plus a sorted set of reservation
/// expiry times. Each change runs as one Lua script, so it is atomic across replicas. PostgreSQL stays the
/// source of truth: a missing counter is loaded from the ledger.
/// </summary>
/// <remarks>
/// Amounts are stored as integers in units of 10^-10 US dollars, the ledger's scale, so Redis adds them
/// exactly. Scripts compare amounts as Lua numbers, which Redis 7 (Lua 5.1) stores as doubles: comparisons are
/// exact while spend plus reservations stay under 2^53 units, about 900,000 dollars, which is why a limit is
/// capped at <see cref="BudgetRules.MaxLimitUsd"/>. Every key of a tenant shares the hash tag <c>{tenant id}</c>,
/// so a multi-budget script also runs on Redis Cluster.
/// </remarks>
internal sealed class SpendCounter(IConnectionMultiplexer redis)
{
    private const decimal UnitsPerDollar = 10_000_000_000m;
    private const string KeyPrefix = "aspireai:budget:";

    // KEYS: pairs of (counter hash, expiry sorted set), one pair per budget.
    // ARGV: now (ms), reservation lifetime (ms), request id, amount (units), then per budget: limit (units),
    // 1 for a hard budget or 0, and the instant (ms) at which the counter may be deleted.
    private const string ReserveScript =
        """
        local now = tonumber(ARGV[1])
        local ttl = tonumber(ARGV[2])
        local id = ARGV[3]
        local amount = ARGV[4]
        local n = #KEYS / 2
        for i = 1, n do
          if redis.call('EXISTS', KEYS[2 * i - 1]) == 0 then return {'cold', tostring(i)} end
        end
        for i = 1, n do
          local k, z = KEYS[2 * i - 1], KEYS[2 * i]
          local expired = redis.call('ZRANGEBYSCORE', z, '-inf', now)
          for _, rid in ipairs(expired) do
            local held = redis.call('HGET', k, 'r:' .. rid)
            if held then
              redis.call('HINCRBY', k, 'reserved', '-' .. held)
              redis.call('HDEL', k, 'r:' .. rid)
            end
            redis.call('ZREM', z, rid)
          end
        end
        if n > 0 and redis.call('HEXISTS', KEYS[1], 'r:' .. id) == 1 then return {'ok', '0'} end
        for i = 1, n do
          local base = 4 + (i - 1) * 3
          if ARGV[base + 2] == '1' then
            local k = KEYS[2 * i - 1]
            local spend = redis.call('HGET', k, 'spend') or '0'
            local reserved = redis.call('HGET', k, 'reserved') or '0'
            if tonumber(spend) + tonumber(reserved) + tonumber(amount) > tonumber(ARGV[base + 1]) then
              return {'refused', tostring(i), spend, reserved}
            end
          end
        end
        for i = 1, n do
          local k, z = KEYS[2 * i - 1], KEYS[2 * i]
          local expireAt = ARGV[4 + (i - 1) * 3 + 3]
          redis.call('HINCRBY', k, 'reserved', amount)
          redis.call('HSET', k, 'r:' .. id, amount)
          redis.call('ZADD', z, now + ttl, id)
          redis.call('PEXPIREAT', k, expireAt)
          redis.call('PEXPIREAT', z, expireAt)
        end
        return {'ok', '1'}
        """;

    // KEYS: pairs as above. ARGV: request id, new amount (units). Replaces a reservation's amount.
    private const string AdjustScript =
        """
        local id = ARGV[1]
        for i = 1, #KEYS / 2 do
          local k = KEYS[2 * i - 1]
          local held = redis.call('HGET', k, 'r:' .. id)
          if held then
            redis.call('HINCRBY', k, 'reserved', '-' .. held)
            redis.call('HINCRBY', k, 'reserved', ARGV[2])
            redis.call('HSET', k, 'r:' .. id, ARGV[2])
          end
        end
        return 1
        """;

    // KEYS: pairs as above. ARGV: request id, cost to add to the spend (units), or '' to add nothing.
    // Drops the reservation and adds the cost to every loaded counter. Returns each counter's spend, or ''
    // for a counter that is not loaded: its next load reads the cost from the ledger.
    private const string SettleScript =
        """
        local id = ARGV[1]
        local result = {}
        for i = 1, #KEYS / 2 do
          local k, z = KEYS[2 * i - 1], KEYS[2 * i]
          if redis.call('EXISTS', k) == 1 then
            local held = redis.call('HGET', k, 'r:' .. id)
            if held then
              redis.call('HINCRBY', k, 'reserved', '-' .. held)
              redis.call('HDEL', k, 'r:' .. id)
            end
            redis.call('ZREM', z, id)
            if ARGV[2] ~= '' then redis.call('HINCRBY', k, 'spend', ARGV[2]) end
            result[i] = redis.call('HGET', k, 'spend')
          else
            result[i] = ''
          end
        end
        return result
        """;

    // KEYS: counter hash, expiry sorted set. ARGV: spend (units), the instant (ms) the counter may be deleted.
    // Loads a counter only when it is missing, so replicas that load at the same moment load it once.
    private const string LoadScript =
        """
        if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
        redis.call('DEL', KEYS[2])
        redis.call('HSET', KEYS[1], 'spend', ARGV[1], 'reserved', '0')
        redis.call('PEXPIREAT', KEYS[1], ARGV[2])
        return 1
        """;

    // How long a counter outlives its period, so usage delivered late still finds it.
    private static readonly TimeSpan CounterRetention = TimeSpan.FromDays(2);

    /// <summary>Converts dollars to counter units, rounding up so a reservation never holds less than the cost.</summary>
    public static long ToUnitsRoundedUp(decimal dollars) => decimal.ToInt64(decimal.Ceiling(dollars * UnitsPerDollar));

    /// <summary>Converts dollars to counter units, rounding down, as limits are.</summary>
    public static long ToUnitsRoundedDown(decimal dollars) => decimal.ToInt64(decimal.Floor(dollars * UnitsPerDollar));

    /// <summary>Converts counter units to dollars.</summary>
    public static decimal ToDollars(long units) => units / UnitsPerDollar;

    /// <summary>
    /// Holds <paramref name="amount"/> on every target for <paramref name="lifetime"/>, unless a hard budget lacks
    /// room or a counter is not loaded; then nothing changes. A second call with the same request id holds nothing more.
    /// </summary>
    public async Task<ReserveResult> ReserveAsync(
        IReadOnlyList<CounterTarget> targets, string requestId, decimal amount, DateTimeOffset now, TimeSpan lifetime)
    {
        var values = new List<RedisValue>
        {
            now.ToUnixTimeMilliseconds(),
            (long)lifetime.TotalMilliseconds,
            requestId,
            ToUnitsRoundedUp(amount),
        };
        foreach (var target in targets)
        {
            values.Add(ToUnitsRoundedDown(target.Budget.LimitUsd));
            values.Add(target.Budget.Enforcement == BudgetEnforcement.Hard ? 1 : 0);
            values.Add(ExpireAt(target.Window));
        }

        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(ReserveScript, Keys(targets), [.. values]))!;
        var status = (string)result[0]!;
        return status switch
        {
            "ok" => new ReserveResult(ReserveOutcome.Reserved, -1, 0m, 0m),
            "cold" => new ReserveResult(ReserveOutcome.Cold, ParseIndex(result[1]), 0m, 0m),
            _ => new ReserveResult(ReserveOutcome.Refused, ParseIndex(result[1]), ParseDollars(result[2]), ParseDollars(result[3])),
        };
    }

    /// <summary>Replaces the amount a reservation holds on each target.</summary>
    public async Task AdjustAsync(IReadOnlyList<CounterTarget> targets, string requestId, decimal amount)
    {
        await redis.GetDatabase().ScriptEvaluateAsync(AdjustScript, Keys(targets), [requestId, ToUnitsRoundedUp(amount)]);
    }

    /// <summary>
    /// Drops the reservation on each target and adds <paramref name="cost"/> to each loaded counter; a null cost
    /// adds nothing. Returns each target's spend after the change, or null for a counter that is not loaded.
    /// </summary>
    public async Task<IReadOnlyList<decimal?>> SettleAsync(IReadOnlyList<CounterTarget> targets, string requestId, decimal? cost)
    {
        RedisValue costUnits = cost is { } value ? ToUnitsRoundedUp(value) : string.Empty;
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(SettleScript, Keys(targets), [requestId, costUnits]))!;
        return result.Select(item => (string?)item is { Length: > 0 } text ? (decimal?)ParseDollars(text) : null).ToList();
    }

    /// <summary>Loads a counter with the stored spend unless it exists. Returns true when this call loaded it.</summary>
    public async Task<bool> LoadAsync(CounterTarget target, decimal storedSpend)
    {
        var (hash, expirySet) = KeysOf(target);
        var loaded = await redis.GetDatabase().ScriptEvaluateAsync(
            LoadScript, [hash, expirySet], [ToUnitsRoundedUp(storedSpend), ExpireAt(target.Window)]);
        return (long)loaded == 1;
    }

    /// <summary>Takes the short lock that lets one replica at a time load a counter. Returns false when another holds it.</summary>
    public Task<bool> TryLockLoadAsync(CounterTarget target, string owner, TimeSpan lifetime) =>
        redis.GetDatabase().StringSetAsync(KeysOf(target).Hash.ToString() + ":load", owner, lifetime, When.NotExists);

    /// <summary>Releases the load lock if <paramref name="owner"/> still holds it.</summary>
    public Task UnlockLoadAsync(CounterTarget target, string owner) =>
        redis.GetDatabase().ScriptEvaluateAsync(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
            [KeysOf(target).Hash.ToString() + ":load"],
            [owner]);

    /// <summary>Reads a counter's spend and reserved amount, or null when it is not loaded.</summary>
    public async Task<(decimal Spend, decimal Reserved)?> ReadAsync(CounterTarget target)
    {
        var values = await redis.GetDatabase().HashGetAsync(KeysOf(target).Hash, ["spend", "reserved"]);
        if (values[0].IsNull)
        {
            return null;
        }

        return (ParseDollars((string)values[0]!), ParseDollars((string?)values[1] ?? "0"));
    }

    /// <summary>Deletes a counter, so the next reservation loads it from the ledger.</summary>
    public async Task DeleteAsync(CounterTarget target)
    {
        var (hash, expirySet) = KeysOf(target);
        await redis.GetDatabase().KeyDeleteAsync([hash, expirySet]);
    }

    private static RedisKey[] Keys(IReadOnlyList<CounterTarget> targets)
    {
        var keys = new RedisKey[targets.Count * 2];
        for (var i = 0; i < targets.Count; i++)
        {
            (keys[2 * i], keys[2 * i + 1]) = KeysOf(targets[i]);
        }

        return keys;
    }

    private static (RedisKey Hash, RedisKey ExpirySet) KeysOf(CounterTarget target)
    {
        var hash = string.Create(CultureInfo.InvariantCulture, $"{KeyPrefix}{{{target.Budget.TenantId:N}}}:{target.Window.Key}");
        return (hash, hash + ":exp");
    }

    private static long ExpireAt(BudgetWindow window) => (window.End + CounterRetention).ToUnixTimeMilliseconds();

    private static int ParseIndex(RedisResult item) => int.Parse((string)item!, NumberStyles.None, CultureInfo.InvariantCulture) - 1;

    private static decimal ParseDollars(RedisResult item) => ParseDollars((string)item!);

    private static decimal ParseDollars(string text) => ToDollars(long.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
}
