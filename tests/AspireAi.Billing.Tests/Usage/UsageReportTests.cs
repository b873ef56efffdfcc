using System.Net;
using System.Net.Http.Json;
using AspireAi.Billing.ApiKeys;
using AspireAi.Billing.Tests.Infrastructure;
using AspireAi.Billing.Usage.Reports;
using AspireAi.BillingClient;

namespace AspireAi.Billing.Tests.Usage;

public sealed class UsageReportTests(BillingAppFixture fixture) : IClassFixture<BillingAppFixture>
{
    private static readonly DateTimeOffset June1 = new(2025, 6, 1, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset June2 = new(2025, 6, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset July1 = new(2025, 7, 1, 10, 0, 0, TimeSpan.Zero);

    private BillingApp App => fixture.App;

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Report_ByMonthAndModel_SumsEachGroup()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        await RecordAsync(tenant.Id, key.Id, "gpt-4o-mini", June1, cacheHit: false);
        await RecordAsync(tenant.Id, key.Id, "gpt-4o-mini", June2, cacheHit: true);
        await RecordAsync(tenant.Id, key.Id, "gpt-4o", June2, cacheHit: false);
        await RecordAsync(tenant.Id, key.Id, "gpt-4o", July1, cacheHit: false);
        using var client = App.CreateTenantClient(key.Key);

        var report = await client.GetFromJsonAsync<UsageReport>(
            "/v1/usage/report?group_by=month,model&from=2025-06-01&to=2025-07-31", BillingJson.Options, CancellationToken);

        Assert.Equal(["month", "model"], report!.GroupBy);
        Assert.Equal(3, report.Rows.Count);
        var juneMini = Assert.Single(report.Rows, row => row.Month == "2025-06" && row.Model == "gpt-4o-mini");
        // gpt-4o-mini: 1,000 input tokens at 0.15 and 500 output tokens at 0.60 dollars per million = 0.00045.
        Assert.Equal(2, juneMini.Totals.Requests);
        Assert.Equal(0.00045m, juneMini.Totals.Cost);
        Assert.Equal(1, juneMini.Totals.CacheHits);
        Assert.Equal(0.00045m, juneMini.Totals.CacheSavedCost);
        Assert.Equal(1000, juneMini.Totals.InputTokens);
        Assert.Equal(1500, juneMini.Totals.CacheHitTokens);
        Assert.Null(juneMini.Day);
        Assert.Equal(4, report.Total.Requests);
        // Two gpt-4o requests: 1,000 × 2.50 + 500 × 10 = 7,500 dollars per million tokens each.
        Assert.Equal(0.00045m + 0.0075m + 0.0075m, report.Total.Cost);
    }

    [Fact]
    public async Task Report_GroupedByKeyAndService_SeparatesKeys()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        var second = await CreateKeyAsync(tenant.Id, "second");
        await RecordAsync(tenant.Id, key.Id, "gpt-4o-mini", June1, cacheHit: false);
        await RecordAsync(tenant.Id, second.Id, "gpt-4o-mini", June1, cacheHit: false, service: "embedding-search");
        using var admin = App.CreateAdminClient();

        var report = await admin.GetFromJsonAsync<UsageReport>(
            $"/admin/tenants/{tenant.Id}/usage/report?group_by=key,service&from=2025-06-01&to=2025-06-30", BillingJson.Options, CancellationToken);

        Assert.Equal(2, report!.Rows.Count);
        var secondRow = Assert.Single(report.Rows, row => row.KeyId == second.Id);
        Assert.Equal("second", secondRow.KeyName);
        Assert.Equal("embedding-search", secondRow.Service);
        Assert.Equal(1, secondRow.Totals.Requests);
    }

    [Fact]
    public async Task Report_Csv_WritesHeaderAndQuotesFields()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        await RecordAsync(tenant.Id, key.Id, "model,with \"quotes\"", June1, cacheHit: false);
        await RecordAsync(tenant.Id, key.Id, "=cmd", June1, cacheHit: false);
        using var client = App.CreateTenantClient(key.Key);

        using var response = await client.GetAsync(
            "/v1/usage/report?group_by=day,model&from=2025-06-01&to=2025-06-30&format=csv", CancellationToken);
        var csv = await response.Content.ReadAsStringAsync(CancellationToken);
        var lines = csv.Split("\r\n");

        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(
            "day,model,requests,input_tokens,cached_input_tokens,cache_write_tokens,output_tokens,cost_usd,cache_hits,cache_hit_tokens,cache_saved_cost_usd,unpriced_requests",
            lines[0]);
        Assert.Equal("2025-06-01,'=cmd,1,1000,0,0,500,0,0,0,0,1", lines[1]);
        Assert.Equal("2025-06-01,\"model,with \"\"quotes\"\"\",1,1000,0,0,500,0,0,0,0,1", lines[2]);
        Assert.Equal(string.Empty, lines[3]);
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public async Task Report_UnknownDimension_Returns400NamingChoices()
    {
        var (_, key) = await App.CreateTenantWithKeyAsync();
        using var client = App.CreateTenantClient(key.Key);

        using var response = await client.GetAsync("/v1/usage/report?group_by=day,region", CancellationToken);
        var body = await response.Content.ReadAsStringAsync(CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'region'", body, StringComparison.Ordinal);
        Assert.Contains("day, month, model, key and service", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_UnknownTenantAsAdmin_Returns404()
    {
        using var admin = App.CreateAdminClient();

        using var response = await admin.GetAsync($"/admin/tenants/{Guid.NewGuid()}/usage/report", CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Report_WithoutKey_Returns401()
    {
        using var client = App.CreateClient();

        using var response = await client.GetAsync("/v1/usage/report", CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task RecordAsync(Guid tenantId, Guid keyId, string model, DateTimeOffset occurredAt, bool cacheHit, string service = "completion")
    {
        using var client = App.CreateInternalClient();
        using var response = await client.PostAsJsonAsync(BillingRoutes.RecordUsage, new UsageRecord(
            "req_" + Guid.NewGuid().ToString("N"), tenantId, keyId, service, "openai", model, 1000, 0, 500, cacheHit, occurredAt),
            BillingJson.Options, CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    private async Task<CreatedApiKey> CreateKeyAsync(Guid tenantId, string name)
    {
        using var admin = App.CreateAdminClient();
        using var response = await admin.PostAsJsonAsync($"/admin/tenants/{tenantId}/keys", new { name }, BillingJson.Options, CancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CreatedApiKey>(BillingJson.Options, CancellationToken))!;
    }
}
