using System.Net;
using System.Net.Http.Json;
using AspireAi.Billing.Tests.Budgets;
using AspireAi.Billing.Tests.Infrastructure;
using AspireAi.BillingClient;

namespace AspireAi.Billing.Tests.Usage;

public sealed class UsageBatchTests(BillingAppFixture fixture) : IClassFixture<BillingAppFixture>
{
    private BillingApp App => fixture.App;

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RecordBatch_NewRecords_StoresEachWithItsCost()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        using var client = App.CreateInternalClient();
        var records = Enumerable.Range(0, 250).Select(_ => Record(tenant.Id, key.Id)).ToList();

        var result = await PostAsync(client, records);

        Assert.Equal(250, result.Items.Count);
        Assert.All(result.Items, item => Assert.False(item.Recorded!.Duplicate));
        // gpt-4o-mini: 1,000 input tokens at 0.15 and 500 output tokens at 0.60 dollars per million.
        Assert.All(result.Items, item => Assert.Equal(0.00045m, item.Recorded!.Cost));
        Assert.Equal(records.Select(r => r.RequestId), result.Items.Select(item => item.RequestId));
        Assert.Equal(250L, await App.QueryScalarAsync<long>("SELECT count(*) FROM usage_ledger WHERE tenant_id = @t", ("t", tenant.Id)));
    }

    [Fact]
    public async Task RecordBatch_SeveralModels_CountsEachBudgetOnce()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        var tenantBudget = await BudgetClient.CreateBudgetAsync(App, tenant.Id, new { period = "monthly", limit_usd = 100m, enforcement = "soft" });
        var modelBudget = await BudgetClient.CreateBudgetAsync(
            App, tenant.Id, new { key_id = key.Id, model = "gpt-4o", period = "monthly", limit_usd = 100m, enforcement = "soft" });
        using var client = App.CreateInternalClient();
        var records = Enumerable.Range(0, 30).Select(_ => Record(tenant.Id, key.Id))
            .Concat(Enumerable.Range(0, 20).Select(_ => Record(tenant.Id, key.Id) with { Model = "gpt-4o" }))
            .ToList();

        var result = await PostAsync(client, records);

        // gpt-4o-mini costs 0.00045 dollars a record; gpt-4o (2.50 and 10 dollars per million) costs 0.0075.
        Assert.All(result.Items, item => Assert.NotNull(item.Recorded));
        Assert.Equal(30 * 0.00045m + 20 * 0.0075m, (await BudgetClient.GetBudgetAsync(App, tenantBudget.Id)).Current.Spend);
        Assert.Equal(20 * 0.0075m, (await BudgetClient.GetBudgetAsync(App, modelBudget.Id)).Current.Spend);
    }

    [Fact]
    public async Task RecordBatch_RepeatedAndStoredIds_KeepsOneRowEach()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        using var client = App.CreateInternalClient();
        var stored = Record(tenant.Id, key.Id);
        var repeated = Record(tenant.Id, key.Id);
        await PostAsync(client, [stored]);

        var result = await PostAsync(client, [stored, repeated, repeated with { OutputTokens = 999 }]);

        Assert.True(result.Items[0].Recorded!.Duplicate);
        Assert.False(result.Items[1].Recorded!.Duplicate);
        Assert.True(result.Items[2].Recorded!.Duplicate);
        Assert.Equal(result.Items[1].Recorded!.Cost, result.Items[2].Recorded!.Cost);
        Assert.Equal(2L, await App.QueryScalarAsync<long>("SELECT count(*) FROM usage_ledger WHERE tenant_id = @t", ("t", tenant.Id)));
    }

    [Fact]
    public async Task RecordBatch_InvalidRecord_RejectsOnlyThatRecord()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        var (_, otherKey) = await App.CreateTenantWithKeyAsync("other");
        using var client = App.CreateInternalClient();
        var valid = Record(tenant.Id, key.Id);
        var negative = Record(tenant.Id, key.Id) with { OutputTokens = -1 };
        var foreignKey = Record(tenant.Id, otherKey.Id);
        var tooManyCacheWrites = Record(tenant.Id, key.Id) with { CachedInputTokens = 600, CacheWriteTokens = 500 };

        var result = await PostAsync(client, [valid, negative, foreignKey, tooManyCacheWrites]);

        Assert.NotNull(result.Items[0].Recorded);
        Assert.Contains("output_tokens", result.Items[1].Errors!.Keys);
        Assert.Contains("key_id", result.Items[2].Errors!.Keys);
        Assert.Contains("cache_write_tokens", result.Items[3].Errors!.Keys);
        Assert.Equal(1L, await App.QueryScalarAsync<long>("SELECT count(*) FROM usage_ledger WHERE tenant_id = @t", ("t", tenant.Id)));
    }

    [Fact]
    public async Task RecordBatch_ConcurrentOverlappingBatches_KeepsOneRowEach()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        var records = Enumerable.Range(0, 100).Select(_ => Record(tenant.Id, key.Id)).ToList();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var client = App.CreateInternalClient();
            return await PostAsync(client, records);
        }));

        var newRows = results.SelectMany(result => result.Items).Count(item => !item.Recorded!.Duplicate);
        Assert.Equal(100, newRows);
        Assert.Equal(100L, await App.QueryScalarAsync<long>("SELECT count(*) FROM usage_ledger WHERE tenant_id = @t", ("t", tenant.Id)));
    }

    [Fact]
    public async Task RecordBatch_EmptyBatch_Returns400()
    {
        using var client = App.CreateInternalClient();

        using var response = await client.PostAsJsonAsync(BillingRoutes.RecordUsageBatch, new UsageBatch([]), BillingJson.Options, CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static UsageRecord Record(Guid tenantId, Guid keyId) => new(
        "req_" + Guid.NewGuid().ToString("N"), tenantId, keyId, "completion", "openai", "gpt-4o-mini", 1000, 0, 500, false, DateTimeOffset.UtcNow);

    private static async Task<UsageBatchResult> PostAsync(HttpClient client, List<UsageRecord> records)
    {
        using var response = await client.PostAsJsonAsync(BillingRoutes.RecordUsageBatch, new UsageBatch(records), BillingJson.Options, CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<UsageBatchResult>(BillingJson.Options, CancellationToken))!;
    }
}
