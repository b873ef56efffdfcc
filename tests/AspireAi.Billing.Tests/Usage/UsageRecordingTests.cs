using System.Net;
using System.Net.Http.Json;
using AspireAi.Billing.Tests.Infrastructure;
using AspireAi.BillingClient;

namespace AspireAi.Billing.Tests.Usage;

public sealed class UsageRecordingTests(BillingAppFixture fixture) : IClassFixture<BillingAppFixture>
{
    private static readonly DateTimeOffset June2025 = new(2025, 6, 15, 12, 0, 0, TimeSpan.Zero);

    private BillingApp App => fixture.App;

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RecordUsage_PricedModel_StoresHandComputedCost()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        using var client = App.CreateInternalClient();
        var record = Record(tenant.Id, key.Id, "openai", "gpt-4o-mini", input: 1000, cached: 200, output: 500);

        var recorded = await PostAsync(client, record);

        // 800 × 0.15 + 200 × 0.075 + 500 × 0.60 = 120 + 15 + 300 = 435 dollars per million tokens.
        Assert.Equal(0.000435m, recorded.Cost);
        Assert.Equal(0m, recorded.SavedCost);
        Assert.True(recorded.Priced);
        Assert.False(recorded.Duplicate);
        Assert.Equal(0.000435m, await App.QueryScalarAsync<decimal>(
            "SELECT cost FROM usage_ledger WHERE request_id = @id", ("id", record.RequestId)));
    }

    [Fact]
    public async Task RecordUsage_RepeatedRequestId_KeepsOneRow()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        using var client = App.CreateInternalClient();
        var record = Record(tenant.Id, key.Id, "openai", "gpt-4o", input: 1000, cached: 0, output: 1000);

        var first = await PostAsync(client, record);
        var second = await PostAsync(client, record with { OutputTokens = 999_999 });

        Assert.False(first.Duplicate);
        Assert.True(second.Duplicate);
        Assert.Equal(first.Cost, second.Cost);
        Assert.Equal(0.0125m, first.Cost);
        Assert.Equal(1L, await CountRowsAsync(record.RequestId));
    }

    [Fact]
    public async Task RecordUsage_ConcurrentDuplicates_KeepsOneRow()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        var record = Record(tenant.Id, key.Id, "anthropic", "claude-sonnet-4", input: 2000, cached: 1000, output: 100);

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var client = App.CreateInternalClient();
            return await PostAsync(client, record);
        }));

        // 1000 × 3.00 + 1000 × 0.30 + 100 × 15.00 = 4800 dollars per million tokens.
        Assert.Single(results, r => !r.Duplicate);
        Assert.All(results, r => Assert.Equal(0.0048m, r.Cost));
        Assert.Equal(1L, await CountRowsAsync(record.RequestId));
        Assert.Equal(0.0048m, await App.QueryScalarAsync<decimal>(
            "SELECT sum(cost) FROM usage_ledger WHERE tenant_id = @tenant", ("tenant", tenant.Id)));
    }

    [Fact]
    public async Task RecordUsage_PriceChange_UsesPriceOfDay()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        var model = $"dated-model-{Guid.NewGuid():N}";
        await InsertPriceAsync("openai", model, new DateOnly(2025, 1, 1), input: 1m, output: 2m, cachedInput: 0.5m);
        await InsertPriceAsync("openai", model, new DateOnly(2025, 6, 1), input: 3m, output: 6m, cachedInput: 1.5m);
        using var client = App.CreateInternalClient();

        var beforeChange = await PostAsync(client, Record(tenant.Id, key.Id, "openai", model, 1_000_000, 0, 1_000_000)
            with { OccurredAt = new DateTimeOffset(2025, 5, 31, 23, 59, 59, TimeSpan.Zero) });
        var onChangeDay = await PostAsync(client, Record(tenant.Id, key.Id, "openai", model, 1_000_000, 0, 1_000_000)
            with { OccurredAt = new DateTimeOffset(2025, 6, 1, 0, 0, 0, TimeSpan.Zero) });
        var beforeAnyPrice = await PostAsync(client, Record(tenant.Id, key.Id, "openai", model, 1_000_000, 0, 1_000_000)
            with { OccurredAt = new DateTimeOffset(2024, 12, 31, 12, 0, 0, TimeSpan.Zero) });

        Assert.Equal(3m, beforeChange.Cost);
        Assert.Equal(9m, onChangeDay.Cost);
        Assert.False(beforeAnyPrice.Priced);
    }

    [Fact]
    public async Task RecordUsage_LocalOffset_PricesByUtcDay()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        var model = $"offset-model-{Guid.NewGuid():N}";
        await InsertPriceAsync("openai", model, new DateOnly(2025, 6, 1), input: 1m, output: 0m, cachedInput: 0m);
        using var client = App.CreateInternalClient();

        // 2025-06-01T01:00+02:00 is 2025-05-31T23:00Z, the day before the price takes effect.
        var recorded = await PostAsync(client, Record(tenant.Id, key.Id, "openai", model, 1_000_000, 0, 0)
            with { OccurredAt = new DateTimeOffset(2025, 6, 1, 1, 0, 0, TimeSpan.FromHours(2)) });

        Assert.False(recorded.Priced);
    }

    [Fact]
    public async Task RecordUsage_TwoProviders_RecordProviderWins()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        var model = $"shared-model-{Guid.NewGuid():N}";
        await InsertPriceAsync("azure", model, new DateOnly(2025, 1, 1), input: 5m, output: 0m, cachedInput: 0m);
        await InsertPriceAsync("openai", model, new DateOnly(2025, 1, 1), input: 1m, output: 0m, cachedInput: 0m);
        using var client = App.CreateInternalClient();

        var azure = await PostAsync(client, Record(tenant.Id, key.Id, "azure", model, 1_000_000, 0, 0));
        var openai = await PostAsync(client, Record(tenant.Id, key.Id, "openai", model, 1_000_000, 0, 0));

        Assert.Equal(5m, azure.Cost);
        Assert.Equal(1m, openai.Cost);
    }

    [Fact]
    public async Task RecordUsage_CacheHit_ReportsSavedCost()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        using var client = App.CreateInternalClient();

        var recorded = await PostAsync(client, Record(tenant.Id, key.Id, "openai", "gpt-4.1", 10_000, 0, 2_000) with { CacheHit = true });

        // 10000 × 2.00 + 2000 × 8.00 = 36000 dollars per million tokens.
        Assert.Equal(0m, recorded.Cost);
        Assert.Equal(0.036m, recorded.SavedCost);
        Assert.True(recorded.Priced);
    }

    [Fact]
    public async Task RecordUsage_UnknownModel_IsUnpriced()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        using var client = App.CreateInternalClient();
        var record = Record(tenant.Id, key.Id, "openai", $"no-such-model-{Guid.NewGuid():N}", 1000, 0, 1000);

        var recorded = await PostAsync(client, record);

        Assert.False(recorded.Priced);
        Assert.Equal(0m, recorded.Cost);
        Assert.False(await App.QueryScalarAsync<bool>("SELECT priced FROM usage_ledger WHERE request_id = @id", ("id", record.RequestId)));
    }

    [Fact]
    public async Task RecordUsage_OtherProvider_UsesListedPrice()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        using var client = App.CreateInternalClient();

        // gpt-4o-mini is listed only under openai, so a record from another provider still finds that price.
        var recorded = await PostAsync(client, Record(tenant.Id, key.Id, "azure-openai", "gpt-4o-mini", 1_000_000, 0, 0));

        Assert.True(recorded.Priced);
        Assert.Equal(0.15m, recorded.Cost);
    }

    [Theory]
    [InlineData("request_id", "")]
    [InlineData("request_id", "too-long")]
    [InlineData("input_tokens", "-1")]
    [InlineData("cached_input_tokens", "-1")]
    [InlineData("output_tokens", "-1")]
    [InlineData("cached_input_tokens", "more-than-input")]
    [InlineData("service", "")]
    [InlineData("provider", "")]
    [InlineData("model", " ")]
    [InlineData("occurred_at", "missing")]
    public async Task RecordUsage_InvalidField_Returns400NamingField(string field, string value)
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        using var client = App.CreateInternalClient();
        var record = Record(tenant.Id, key.Id, "openai", "gpt-4o-mini", 100, 0, 100);
        record = (field, value) switch
        {
            ("request_id", "too-long") => record with { RequestId = new string('r', 201) },
            ("request_id", _) => record with { RequestId = value },
            ("input_tokens", _) => record with { InputTokens = -1 },
            ("cached_input_tokens", "-1") => record with { CachedInputTokens = -1 },
            ("cached_input_tokens", _) => record with { CachedInputTokens = 101 },
            ("output_tokens", _) => record with { OutputTokens = -1 },
            ("service", _) => record with { Service = value },
            ("provider", _) => record with { Provider = value },
            ("model", _) => record with { Model = value },
            ("occurred_at", _) => record with { OccurredAt = default },
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };

        using var response = await client.PostAsJsonAsync(BillingRoutes.RecordUsage, record, BillingJson.Options, CancellationToken);
        var body = await response.Content.ReadAsStringAsync(CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"\"{field}\"", body, StringComparison.Ordinal);
        Assert.Equal(0L, await CountRowsAsync(record.RequestId));
    }

    [Fact]
    public async Task RecordUsage_RequestIdOf200Characters_IsAccepted()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        using var client = App.CreateInternalClient();
        var record = Record(tenant.Id, key.Id, "openai", "gpt-4o-mini", 1, 0, 1) with { RequestId = Guid.NewGuid().ToString("N") + new string('r', 168) };

        var recorded = await PostAsync(client, record);

        Assert.Equal(200, recorded.RequestId.Length);
    }

    [Fact]
    public async Task RecordUsage_UnknownTenant_Returns400()
    {
        var (_, key) = await App.CreateTenantWithKeyAsync();
        using var client = App.CreateInternalClient();

        using var response = await client.PostAsJsonAsync(
            BillingRoutes.RecordUsage, Record(Guid.NewGuid(), key.Id, "openai", "gpt-4o-mini", 1, 0, 1), BillingJson.Options, CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("No tenant has id", await response.Content.ReadAsStringAsync(CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordUsage_UnknownKey_Returns400()
    {
        var (tenant, _) = await App.CreateTenantWithKeyAsync();
        using var client = App.CreateInternalClient();

        using var response = await client.PostAsJsonAsync(
            BillingRoutes.RecordUsage, Record(tenant.Id, Guid.NewGuid(), "openai", "gpt-4o-mini", 1, 0, 1), BillingJson.Options, CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("No API key has id", await response.Content.ReadAsStringAsync(CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordUsage_KeyOfOtherTenant_Returns400()
    {
        var (tenant, _) = await App.CreateTenantWithKeyAsync();
        var (_, otherKey) = await App.CreateTenantWithKeyAsync();
        using var client = App.CreateInternalClient();

        using var response = await client.PostAsJsonAsync(
            BillingRoutes.RecordUsage, Record(tenant.Id, otherKey.Id, "openai", "gpt-4o-mini", 1, 0, 1), BillingJson.Options, CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("does not belong to tenant", await response.Content.ReadAsStringAsync(CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordUsage_WithoutInternalKey_Returns401()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        using var client = App.CreateAdminClient();
        var record = Record(tenant.Id, key.Id, "openai", "gpt-4o-mini", 1, 0, 1);

        using var response = await client.PostAsJsonAsync(BillingRoutes.RecordUsage, record, BillingJson.Options, CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(0L, await CountRowsAsync(record.RequestId));
    }

    private static UsageRecord Record(Guid tenantId, Guid keyId, string provider, string model, long input, long cached, long output) =>
        new($"req-{Guid.NewGuid():N}", tenantId, keyId, "completion", provider, model, input, cached, output, CacheHit: false, June2025);

    private static async Task<UsageRecorded> PostAsync(HttpClient client, UsageRecord record)
    {
        using var response = await client.PostAsJsonAsync(BillingRoutes.RecordUsage, record, BillingJson.Options, CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<UsageRecorded>(BillingJson.Options, CancellationToken))!;
    }

    private Task InsertPriceAsync(string provider, string model, DateOnly effectiveFrom, decimal input, decimal output, decimal cachedInput) =>
        App.ExecuteSqlAsync(
            """
            INSERT INTO prices (provider, model, effective_from, input_per_million, output_per_million, cached_input_per_million)
            VALUES (@provider, @model, @effective_from, @input, @output, @cached_input)
            """,
            ("provider", provider), ("model", model), ("effective_from", effectiveFrom),
            ("input", input), ("output", output), ("cached_input", cachedInput));

    private Task<long> CountRowsAsync(string requestId) =>
        App.QueryScalarAsync<long>("SELECT count(*) FROM usage_ledger WHERE request_id = @id", ("id", requestId));
}
