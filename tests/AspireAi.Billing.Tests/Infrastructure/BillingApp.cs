using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AspireAi.Billing.ApiKeys;
using AspireAi.Billing.Tenants;
using AspireAi.BillingClient;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace AspireAi.Billing.Tests.Infrastructure;

/// <summary>The billing service in memory, over its own database in the shared test cluster.</summary>
/// <remarks>
/// The type argument only names billing's assembly, whose entry point the factory runs. It is not <c>Program</c>
/// because the gateway tests also link this file, and there the gateway's public <c>Program</c> makes that name ambiguous.
/// </remarks>
public sealed class BillingApp : WebApplicationFactory<BillingOptions>
{
    public const string AdminKey = "test-admin-key";
    public const string InternalKey = "test-internal-key";

    private readonly Dictionary<string, string?> _settings;

    public BillingApp(string connectionString, FakeTimeProvider? time = null, IDictionary<string, string?>? settings = null)
    {
        ConnectionString = connectionString;
        Time = time;
        _settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:billing"] = connectionString,
            ["ConnectionStrings:redis"] = RedisServer.ConnectionString,
            ["Billing:AdminKey"] = AdminKey,
            ["Billing:InternalKey"] = InternalKey,
        };

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public string ConnectionString { get; }

    public FakeTimeProvider? Time { get; }

    /// <summary>Starts the host and waits until <c>/health</c> reports that migrations and seeding are done.</summary>
    public async Task StartAsync()
    {
        using var client = CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Billing did not become healthy within 60 seconds: {await response.Content.ReadAsStringAsync()}");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    public HttpClient CreateAdminClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }

    public HttpClient CreateInternalClient()
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(BillingRoutes.InternalKeyHeader, InternalKey);
        return client;
    }

    public HttpClient CreateTenantClient(string apiKey)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>Creates a tenant with a unique name and one API key for it.</summary>
    public async Task<(TenantResponse Tenant, CreatedApiKey Key)> CreateTenantWithKeyAsync(string namePrefix = "tenant")
    {
        using var admin = CreateAdminClient();
        var cancellationToken = TestContext.Current.CancellationToken;

        using var tenantResponse = await admin.PostAsJsonAsync(
            "/admin/tenants", new { name = $"{namePrefix}-{Guid.NewGuid():N}" }, BillingJson.Options, cancellationToken);
        tenantResponse.EnsureSuccessStatusCode();
        var tenant = (await tenantResponse.Content.ReadFromJsonAsync<TenantResponse>(BillingJson.Options, cancellationToken))!;

        using var keyResponse = await admin.PostAsJsonAsync(
            $"/admin/tenants/{tenant.Id}/keys", new { name = "test" }, BillingJson.Options, cancellationToken);
        keyResponse.EnsureSuccessStatusCode();
        var key = (await keyResponse.Content.ReadFromJsonAsync<CreatedApiKey>(BillingJson.Options, cancellationToken))!;

        return (tenant, key);
    }

    /// <summary>Runs a SQL statement directly against this app's database.</summary>
    public async Task ExecuteSqlAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Runs a scalar SQL query directly against this app's database.</summary>
    public async Task<T> QueryScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (Time is not null)
        {
            builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Time));
        }
    }
}

/// <summary>A class fixture: one database and one billing host shared by the tests of a class.</summary>
public sealed class BillingAppFixture(PostgresServer server) : IAsyncLifetime
{
    private BillingApp? _app;

    public BillingApp App => _app ?? throw new InvalidOperationException("The fixture has not been initialized.");

    public async ValueTask InitializeAsync()
    {
        _app = new BillingApp(await server.CreateDatabaseAsync());
        await _app.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
