using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspireAi.Billing.Tests.Infrastructure;
using AspireAi.BillingClient;

namespace AspireAi.Billing.Tests.Pricing;

public sealed class PriceAdminTests(BillingAppFixture fixture) : IClassFixture<BillingAppFixture>
{
    private BillingApp App => fixture.App;

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    private static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    [Fact]
    public async Task AddPrice_ValidPrice_IsListedAndPricesUsage()
    {
        var model = $"admin-model-{Guid.NewGuid():N}";
        using var admin = App.CreateAdminClient();

        using var created = await admin.PostAsJsonAsync("/admin/prices", new
        {
            provider = "anthropic",
            model,
            input_per_million = 3m,
            output_per_million = 15m,
            cached_input_per_million = 0.30m,
            cache_write_per_million = 3.75m,
            effective_from = Today,
        }, BillingJson.Options, CancellationToken);
        var listed = await admin.GetFromJsonAsync<List<ModelPrice>>($"/admin/prices?model={model}", BillingJson.Options, CancellationToken);
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        using var internalClient = App.CreateInternalClient();
        var usage = ProviderUsage.FromAnthropic(inputTokens: 3, cacheCreationInputTokens: 12_304, cacheReadInputTokens: 0, outputTokens: 550);
        using var recordedResponse = await internalClient.PostAsJsonAsync(BillingRoutes.RecordUsage, new UsageRecord(
            "req_" + Guid.NewGuid().ToString("N"), tenant.Id, key.Id, "completion", "anthropic", model,
            usage.InputTokens, usage.CachedInputTokens, usage.OutputTokens, false, DateTimeOffset.UtcNow, usage.CacheWriteTokens), BillingJson.Options, CancellationToken);
        var recorded = await recordedResponse.Content.ReadFromJsonAsync<UsageRecorded>(BillingJson.Options, CancellationToken);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var price = Assert.Single(listed!);
        Assert.Equal(3.75m, price.CacheWritePerMillion);
        Assert.Equal(Today, price.EffectiveFrom);
        Assert.Equal(0.054399m, recorded!.Cost);
    }

    [Fact]
    public async Task AddPrice_PricePerToken_RejectedNamingUnit()
    {
        using var admin = App.CreateAdminClient();

        using var response = await admin.PostAsJsonAsync("/admin/prices", new
        {
            provider = "openai",
            model = $"typo-{Guid.NewGuid():N}",
            input_per_million = 2500m,
            output_per_million = 10m,
            cached_input_per_million = 1.25m,
            effective_from = Today,
        }, BillingJson.Options, CancellationToken);
        var message = await ReadErrorAsync(response, "input_per_million");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("dollars per million tokens", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddPrice_PastEffectiveDate_Rejected()
    {
        using var admin = App.CreateAdminClient();

        using var response = await admin.PostAsJsonAsync("/admin/prices", new
        {
            provider = "openai",
            model = $"past-{Guid.NewGuid():N}",
            input_per_million = 1m,
            output_per_million = 2m,
            cached_input_per_million = 0.5m,
            effective_from = Today.AddDays(-1),
        }, BillingJson.Options, CancellationToken);
        var message = await ReadErrorAsync(response, "effective_from");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("in the past", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddPrice_SameEffectiveDateTwice_Returns409()
    {
        using var admin = App.CreateAdminClient();
        var body = new
        {
            provider = "openai",
            model = $"twice-{Guid.NewGuid():N}",
            input_per_million = 1m,
            output_per_million = 2m,
            cached_input_per_million = 0.5m,
            effective_from = Today.AddDays(7),
        };

        using var first = await admin.PostAsJsonAsync("/admin/prices", body, BillingJson.Options, CancellationToken);
        using var second = await admin.PostAsJsonAsync("/admin/prices", body with { input_per_million = 9m }, BillingJson.Options, CancellationToken);
        var listed = await admin.GetFromJsonAsync<List<ModelPrice>>($"/admin/prices?model={body.model}", BillingJson.Options, CancellationToken);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(1m, Assert.Single(listed!).InputPerMillion);
    }

    [Fact]
    public async Task AddPrice_WithoutAdminKey_Returns401()
    {
        using var client = App.CreateClient();

        using var response = await client.PostAsJsonAsync("/admin/prices", new { provider = "openai" }, BillingJson.Options, CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, string field)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken));
        return problem.RootElement.GetProperty("errors").GetProperty(field)[0].GetString()!;
    }
}
