using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspireAi.Billing.Tests.Infrastructure;
using AspireAi.BillingClient;
using Microsoft.Extensions.Time.Testing;

namespace AspireAi.Billing.Tests.Usage;

/// <summary>Usage summary tests; the clock is fixed at 2025-06-20 12:00 UTC so default ranges are known.</summary>
public sealed class UsageSummaryTests(PostgresServer server) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2025, 6, 20, 12, 0, 0, TimeSpan.Zero);

    private BillingApp? _app;

    private BillingApp App => _app!;

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = new BillingApp(await server.CreateDatabaseAsync(), new FakeTimeProvider(Now));
        await _app.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task GetUsageSummary_MixedRows_TotalsMatchRows()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        await RecordAsync(tenant.Id, key.Id, "gpt-4o-mini", new DateTimeOffset(2025, 6, 2, 8, 0, 0, TimeSpan.Zero), 1000, 200, 500);
        await RecordAsync(tenant.Id, key.Id, "gpt-4o-mini", new DateTimeOffset(2025, 6, 2, 23, 59, 0, TimeSpan.Zero), 2000, 0, 100);
        await RecordAsync(tenant.Id, key.Id, "gpt-4o", new DateTimeOffset(2025, 6, 3, 0, 0, 0, TimeSpan.Zero), 1000, 0, 1000);
        await RecordAsync(tenant.Id, key.Id, "gpt-4o", new DateTimeOffset(2025, 6, 3, 1, 0, 0, TimeSpan.Zero), 4000, 0, 1000, cacheHit: true);
        await RecordAsync(tenant.Id, key.Id, "mystery-model", new DateTimeOffset(2025, 6, 3, 2, 0, 0, TimeSpan.Zero), 300, 0, 30);
        using var client = App.CreateTenantClient(key.Key);

        var summary = await client.GetFromJsonAsync<UsageSummary>("/v1/usage?from=2025-06-01&to=2025-06-30", BillingJson.Options, CancellationToken);

        Assert.NotNull(summary);
        Assert.Equal(tenant.Id, summary.TenantId);
        Assert.Equal(
            [(new DateOnly(2025, 6, 2), "gpt-4o-mini"), (new DateOnly(2025, 6, 3), "gpt-4o"), (new DateOnly(2025, 6, 3), "mystery-model")],
            summary.ByDayAndModel.Select(g => (g.Day, g.Model)));

        var total = summary.Total;
        Assert.Equal(5, total.Requests);
        Assert.Equal(1000 + 2000 + 1000 + 300, total.InputTokens);
        Assert.Equal(200, total.CachedInputTokens);
        Assert.Equal(500 + 100 + 1000 + 30, total.OutputTokens);
        Assert.Equal(1, total.CacheHits);
        Assert.Equal(4000 + 1000, total.CacheHitTokens);
        Assert.Equal(1, total.UnpricedRequests);

        // Costs per million tokens: 800 × 0.15 + 200 × 0.075 + 500 × 0.60 = 435; 2000 × 0.15 + 100 × 0.60 = 360;
        // 1000 × 2.50 + 1000 × 10.00 = 12500. The cache hit would have cost 4000 × 2.50 + 1000 × 10.00 = 20000.
        Assert.Equal(0.000435m + 0.00036m + 0.0125m, total.Cost);
        Assert.Equal(0.02m, total.CacheSavedCost);

        var storedCost = await App.QueryScalarAsync<decimal>("SELECT sum(cost) FROM usage_ledger WHERE tenant_id = @t", ("t", tenant.Id));
        var storedSaved = await App.QueryScalarAsync<decimal>("SELECT sum(saved_cost) FROM usage_ledger WHERE tenant_id = @t", ("t", tenant.Id));
        Assert.Equal(storedCost, total.Cost);
        Assert.Equal(storedSaved, total.CacheSavedCost);
        Assert.Equal(total.Cost, summary.ByDayAndModel.Sum(g => g.Totals.Cost));
        Assert.Equal(total.Requests, summary.ByDayAndModel.Sum(g => g.Totals.Requests));
    }

    [Fact]
    public async Task GetUsageSummary_OtherTenantUsage_IsExcluded()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        var (otherTenant, otherKey) = await App.CreateTenantWithKeyAsync();
        await RecordAsync(tenant.Id, key.Id, "gpt-4o-mini", new DateTimeOffset(2025, 6, 10, 0, 0, 0, TimeSpan.Zero), 10, 0, 10);
        await RecordAsync(otherTenant.Id, otherKey.Id, "gpt-4o-mini", new DateTimeOffset(2025, 6, 10, 0, 0, 0, TimeSpan.Zero), 999, 0, 999);
        using var client = App.CreateTenantClient(key.Key);

        var summary = await client.GetFromJsonAsync<UsageSummary>("/v1/usage", BillingJson.Options, CancellationToken);

        Assert.Equal(1, summary!.Total.Requests);
        Assert.Equal(10, summary.Total.InputTokens);
    }

    [Fact]
    public async Task GetUsageSummary_NoDates_UsesMonthToDate()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        await RecordAsync(tenant.Id, key.Id, "gpt-4o-mini", new DateTimeOffset(2025, 5, 31, 23, 59, 59, TimeSpan.Zero), 1, 0, 1);
        await RecordAsync(tenant.Id, key.Id, "gpt-4o-mini", new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero), 1, 0, 1);
        await RecordAsync(tenant.Id, key.Id, "gpt-4o-mini", new DateTimeOffset(2025, 6, 20, 23, 0, 0, TimeSpan.Zero), 1, 0, 1);
        await RecordAsync(tenant.Id, key.Id, "gpt-4o-mini", new DateTimeOffset(2025, 6, 21, 0, 0, 0, TimeSpan.Zero), 1, 0, 1);
        using var client = App.CreateTenantClient(key.Key);

        var summary = await client.GetFromJsonAsync<UsageSummary>("/v1/usage", BillingJson.Options, CancellationToken);

        Assert.Equal(new DateOnly(2025, 6, 1), summary!.From);
        Assert.Equal(new DateOnly(2025, 6, 20), summary.To);
        Assert.Equal(2, summary.Total.Requests);
    }

    [Theory]
    [InlineData("from=2025-13-01", "invalid_date")]
    [InlineData("to=yesterday", "invalid_date")]
    [InlineData("from=2025/06/01", "invalid_date")]
    [InlineData("from=2025-06-10&to=2025-06-09", "invalid_date_range")]
    [InlineData("from=2024-06-01&to=2025-06-02", "invalid_date_range")]
    public async Task GetUsageSummary_BadDates_Returns400InOpenAiShape(string query, string code)
    {
        var (_, key) = await App.CreateTenantWithKeyAsync();
        using var client = App.CreateTenantClient(key.Key);

        using var response = await client.GetAsync($"/v1/usage?{query}", CancellationToken);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken));
        var error = document.RootElement.GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task GetUsageSummary_Range366Days_IsAccepted()
    {
        var (_, key) = await App.CreateTenantWithKeyAsync();
        using var client = App.CreateTenantClient(key.Key);

        using var response = await client.GetAsync("/v1/usage?from=2024-01-01&to=2024-12-31", CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("aai_not-a-real-key")]
    public async Task GetUsageSummary_MissingOrUnknownKey_Returns401InOpenAiShape(string? key)
    {
        using var client = key is null ? App.CreateClient() : App.CreateTenantClient(key);

        using var response = await client.GetAsync("/v1/usage", CancellationToken);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken));
        var error = document.RootElement.GetProperty("error");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task GetUsageSummary_AdminKey_Returns401()
    {
        using var client = App.CreateAdminClient();

        using var response = await client.GetAsync("/v1/usage", CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task RecordAsync(
        Guid tenantId, Guid keyId, string model, DateTimeOffset occurredAt, long input, long cached, long output, bool cacheHit = false)
    {
        using var client = App.CreateInternalClient();
        var record = new UsageRecord(
            $"req-{Guid.NewGuid():N}", tenantId, keyId, "completion", "openai", model, input, cached, output, cacheHit, occurredAt);
        using var response = await client.PostAsJsonAsync(BillingRoutes.RecordUsage, record, BillingJson.Options, CancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
