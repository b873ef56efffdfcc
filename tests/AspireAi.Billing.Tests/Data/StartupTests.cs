using System.Net;
using System.Net.Http.Json;
using AspireAi.Billing.Data;
using AspireAi.Billing.Tests.Infrastructure;
using AspireAi.BillingClient;

namespace AspireAi.Billing.Tests.Data;

public sealed class StartupTests(PostgresServer server)
{
    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Start_Twice_KeepsOneSchema()
    {
        var connectionString = await server.CreateDatabaseAsync();

        await using (var first = new BillingApp(connectionString))
        {
            await first.StartAsync();
        }

        await using var second = new BillingApp(connectionString);
        await second.StartAsync();

        Assert.Equal((long)MigrationRunner.LoadMigrations().Count, await second.QueryScalarAsync<long>("SELECT count(*) FROM schema_migrations"));
        Assert.Equal(1L, await second.QueryScalarAsync<long>("SELECT count(*) FROM prices WHERE model = 'gpt-4o-mini'"));
    }

    [Fact]
    public async Task Start_ChangedStoredPrice_KeepsStoredPrice()
    {
        var connectionString = await server.CreateDatabaseAsync();
        await using (var first = new BillingApp(connectionString))
        {
            await first.StartAsync();
            await first.ExecuteSqlAsync("UPDATE prices SET input_per_million = 0.16 WHERE provider = 'openai' AND model = 'gpt-4o-mini'");
        }

        await using var second = new BillingApp(connectionString);
        await second.StartAsync();

        Assert.Equal(0.16m, await second.QueryScalarAsync<decimal>(
            "SELECT input_per_million FROM prices WHERE provider = 'openai' AND model = 'gpt-4o-mini'"));
    }

    [Fact]
    public async Task Start_SeedSettings_KeySurvivesRestart()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var seedKey = "aai_dev_" + Guid.NewGuid().ToString("N");
        var settings = new Dictionary<string, string?>
        {
            ["Billing:Seed:TenantName"] = "development",
            ["Billing:Seed:ApiKey"] = seedKey,
        };

        await using (var first = new BillingApp(connectionString, settings: settings))
        {
            await first.StartAsync();
        }

        await using var second = new BillingApp(connectionString, settings: settings);
        await second.StartAsync();
        using var client = second.CreateInternalClient();
        using var response = await client.PostAsJsonAsync(BillingRoutes.ValidateKey, new ValidateKeyRequest(seedKey), BillingJson.Options, CancellationToken);
        var identity = await response.Content.ReadFromJsonAsync<ApiKeyIdentity>(BillingJson.Options, CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("development", identity?.TenantName);
        Assert.Equal(1L, await second.QueryScalarAsync<long>("SELECT count(*) FROM tenants"));
        Assert.Equal(1L, await second.QueryScalarAsync<long>("SELECT count(*) FROM api_keys"));
    }

    [Fact]
    public async Task Start_InvalidPriceCatalog_FailsNamingEntry()
    {
        var catalogPath = Path.Combine(Path.GetTempPath(), $"bad-catalog-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(
            catalogPath,
            """{ "prices": [ { "provider": "openai", "model": "broken", "input": -2, "output": 1, "cached_input": 0, "effective_from": "2025-01-01" } ] }""",
            CancellationToken);
        try
        {
            await using var app = new BillingApp(
                await server.CreateDatabaseAsync(), settings: new Dictionary<string, string?> { ["Billing:PriceCatalogPath"] = catalogPath });

            var exception = Assert.ThrowsAny<Exception>(() => app.CreateClient());

            Assert.Contains("entry 0 (openai/broken): input is negative", exception.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(catalogPath);
        }
    }

    [Fact]
    public async Task Start_MissingAdminKey_FailsNamingSetting()
    {
        await using var app = new BillingApp(
            await server.CreateDatabaseAsync(), settings: new Dictionary<string, string?> { ["Billing:AdminKey"] = "" });

        var exception = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("Billing:AdminKey is required", exception.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_BeforeDatabaseReachable_ReportsUnhealthy()
    {
        var settings = new Dictionary<string, string?> { ["Billing:StartupRetryInitialDelay"] = "00:00:05" };
        await using var app = new BillingApp("Host=127.0.0.1;Port=1;Database=none;Username=postgres;Timeout=1", settings: settings);
        using var client = app.CreateClient();

        using var health = await client.GetAsync("/health", CancellationToken);
        using var admin = app.CreateAdminClient();
        using var tenants = await admin.GetAsync("/admin/tenants", CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, tenants.StatusCode);
        Assert.NotNull(tenants.Headers.RetryAfter);
    }
}
