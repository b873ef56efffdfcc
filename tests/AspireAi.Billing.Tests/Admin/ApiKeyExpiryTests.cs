using System.Net;
using System.Net.Http.Json;
using AspireAi.Billing.ApiKeys;
using AspireAi.Billing.Tests.Infrastructure;
using AspireAi.BillingClient;
using Microsoft.Extensions.Time.Testing;

namespace AspireAi.Billing.Tests.Admin;

public sealed class ApiKeyExpiryTests(PostgresServer server) : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 6, 1, 9, 0, 0, TimeSpan.Zero));
    private BillingApp? _app;

    private BillingApp App => _app!;

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _app = new BillingApp(await server.CreateDatabaseAsync(), _time);
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
    public async Task ValidateKey_AfterExpiry_Returns401()
    {
        var (tenant, _) = await App.CreateTenantWithKeyAsync();
        using var admin = App.CreateAdminClient();
        using var internalClient = App.CreateInternalClient();
        using var created = await admin.PostAsJsonAsync(
            $"/admin/tenants/{tenant.Id}/keys", new { name = "short-lived", expires_at = _time.GetUtcNow().AddHours(1) }, BillingJson.Options, CancellationToken);
        var key = (await created.Content.ReadFromJsonAsync<CreatedApiKey>(BillingJson.Options, CancellationToken))!;

        using var beforeExpiry = await internalClient.PostAsJsonAsync(BillingRoutes.ValidateKey, new ValidateKeyRequest(key.Key), BillingJson.Options, CancellationToken);
        _time.Advance(TimeSpan.FromHours(1));
        using var atExpiry = await internalClient.PostAsJsonAsync(BillingRoutes.ValidateKey, new ValidateKeyRequest(key.Key), BillingJson.Options, CancellationToken);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(_time.GetUtcNow(), key.ExpiresAt);
        Assert.Equal(HttpStatusCode.OK, beforeExpiry.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, atExpiry.StatusCode);
    }

    [Fact]
    public async Task GetUsageSummary_ExpiredKey_Returns401()
    {
        var (tenant, _) = await App.CreateTenantWithKeyAsync();
        using var admin = App.CreateAdminClient();
        using var created = await admin.PostAsJsonAsync(
            $"/admin/tenants/{tenant.Id}/keys", new { name = "expiring", expires_at = _time.GetUtcNow().AddMinutes(5) }, BillingJson.Options, CancellationToken);
        var key = (await created.Content.ReadFromJsonAsync<CreatedApiKey>(BillingJson.Options, CancellationToken))!;
        using var tenantClient = App.CreateTenantClient(key.Key);

        _time.Advance(TimeSpan.FromMinutes(6));
        using var response = await tenantClient.GetAsync("/v1/usage", CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
