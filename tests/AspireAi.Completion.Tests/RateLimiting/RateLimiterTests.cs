using AspireAi.BillingClient;
using AspireAi.Completion.RateLimiting;
using AspireAi.Completion.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AspireAi.Completion.Tests.RateLimiting;

public class RateLimiterTests(GarnetFixture garnet)
{
    private static ApiKeyIdentity NewIdentity() => new(Guid.NewGuid(), "tenant", Guid.NewGuid(), "key");

    private RateLimiter CreateLimiter(ApiKeyIdentity identity, TimeProvider time, int keyRpm = 0, int keyTpm = 0, int tenantRpm = 0, int tenantTpm = 0)
    {
        var options = new CompletionOptions();
        options.RateLimits.Keys[identity.KeyId.ToString()] = new RateLimitPolicy { RequestsPerMinute = keyRpm, TokensPerMinute = keyTpm };
        if (tenantRpm > 0 || tenantTpm > 0)
        {
            options.RateLimits.Tenants[identity.TenantId.ToString()] = new RateLimitPolicy { RequestsPerMinute = tenantRpm, TokensPerMinute = tenantTpm };
        }

        return new RateLimiter(garnet.Redis, Options.Create(options), time);
    }

    [Fact]
    public async Task TryTake_TpmOf1000FiveConcurrent400TokenRequests_AdmitsTwo()
    {
        var identity = NewIdentity();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var limiter = CreateLimiter(identity, time, keyTpm: 1000);

        var decisions = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => limiter.TryTakeAsync(identity, RateLimitKind.Tokens, 400)));

        Assert.Equal(2, decisions.Count(decision => decision is null));
        var refused = decisions.Where(decision => decision is not null).ToList();
        Assert.Equal(3, refused.Count);
        Assert.All(refused, decision => Assert.Equal(429, decision!.StatusCode));
        Assert.All(refused, decision => Assert.Contains("aspireai_rate_limit_key_tpm", decision!.Body, StringComparison.Ordinal));
        Assert.All(refused, decision => Assert.True(int.Parse(decision!.Headers["Retry-After"], System.Globalization.CultureInfo.InvariantCulture) >= 1));
        Assert.All(refused, decision => Assert.Equal("gateway", decision!.Headers["x-aspireai-error-source"]));
    }

    [Fact]
    public async Task TryTake_SteadyNinetyPercentOfLimit_NeverRefused()
    {
        var identity = NewIdentity();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var limiter = CreateLimiter(identity, time, keyRpm: 60, keyTpm: 6000);

        // 54 requests a minute of 100 tokens each (90 % of both limits) for five simulated minutes.
        for (var i = 0; i < 54 * 5; i++)
        {
            Assert.Null(await limiter.TryTakeAsync(identity, RateLimitKind.Requests, 1));
            Assert.Null(await limiter.TryTakeAsync(identity, RateLimitKind.Tokens, 100));
            time.Advance(TimeSpan.FromSeconds(60.0 / 54));
        }
    }

    [Fact]
    public async Task TryTake_RpmExhausted_RefusedThenRefillsOverTime()
    {
        var identity = NewIdentity();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var limiter = CreateLimiter(identity, time, keyRpm: 3);

        for (var i = 0; i < 3; i++)
        {
            Assert.Null(await limiter.TryTakeAsync(identity, RateLimitKind.Requests, 1));
        }

        var refused = await limiter.TryTakeAsync(identity, RateLimitKind.Requests, 1);
        time.Advance(TimeSpan.FromSeconds(20));
        var afterRefill = await limiter.TryTakeAsync(identity, RateLimitKind.Requests, 1);

        Assert.NotNull(refused);
        Assert.Equal("20", refused.Headers["Retry-After"]);
        Assert.Contains("aspireai_rate_limit_key_rpm", refused.Body, StringComparison.Ordinal);
        Assert.Null(afterRefill);
    }

    [Fact]
    public async Task TryTake_TenantLimitSharedByKeys_RefusesSecondKey()
    {
        var first = NewIdentity();
        var second = first with { KeyId = Guid.NewGuid() };
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new CompletionOptions();
        options.RateLimits.Tenants[first.TenantId.ToString()] = new RateLimitPolicy { RequestsPerMinute = 2 };
        var limiter = new RateLimiter(garnet.Redis, Options.Create(options), time);

        Assert.Null(await limiter.TryTakeAsync(first, RateLimitKind.Requests, 1));
        Assert.Null(await limiter.TryTakeAsync(second, RateLimitKind.Requests, 1));
        var refused = await limiter.TryTakeAsync(second, RateLimitKind.Requests, 1);

        Assert.NotNull(refused);
        Assert.Contains("aspireai_rate_limit_tenant_rpm", refused.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryTake_RefusedByTenant_TakesNothingFromKey()
    {
        var identity = NewIdentity();
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var limiter = CreateLimiter(identity, time, keyTpm: 1000, tenantTpm: 500);

        var refused = await limiter.TryTakeAsync(identity, RateLimitKind.Tokens, 600);
        var admitted = await limiter.TryTakeAsync(identity, RateLimitKind.Tokens, 500);

        Assert.NotNull(refused);
        Assert.Null(admitted);
    }

    [Fact]
    public async Task TryTake_RequestLargerThanLimit_RefusedWithoutRetryAfter()
    {
        var identity = NewIdentity();
        var limiter = CreateLimiter(identity, new FakeTimeProvider(DateTimeOffset.UtcNow), keyTpm: 1000);

        var refused = await limiter.TryTakeAsync(identity, RateLimitKind.Tokens, 5000);

        Assert.NotNull(refused);
        Assert.False(refused.Headers.ContainsKey("Retry-After"));
        var message = System.Text.Json.Nodes.JsonNode.Parse(refused.Body)!["error"]!["message"]!.GetValue<string>();
        Assert.Contains("more than the key's whole limit", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TryTake_NoLimitsConfigured_AlwaysAdmits()
    {
        var identity = NewIdentity();
        var limiter = new RateLimiter(garnet.Redis, Options.Create(new CompletionOptions()), new FakeTimeProvider(DateTimeOffset.UtcNow));

        for (var i = 0; i < 100; i++)
        {
            Assert.Null(await limiter.TryTakeAsync(identity, RateLimitKind.Tokens, 100_000));
        }
    }
}
