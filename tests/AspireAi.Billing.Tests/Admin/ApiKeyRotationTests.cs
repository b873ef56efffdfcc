using System.Net;
using System.Net.Http.Json;
using AspireAi.Billing.ApiKeys;
using AspireAi.Billing.Tests.Infrastructure;
using AspireAi.BillingClient;
using Microsoft.Extensions.Time.Testing;

namespace AspireAi.Billing.Tests.Admin;

public sealed class ApiKeyRotationTests(PostgresServer server) : IAsyncLifetime
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
    public async Task Rotate_BeforeOldKeyExpiry_BothKeysWork()
    {
        var (tenant, oldKey) = await App.CreateTenantWithKeyAsync();
        using var admin = App.CreateAdminClient();

        var rotated = await RotateAsync(admin, oldKey.Id, new { old_key_expires_at = _time.GetUtcNow().AddHours(2) });
        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(tenant.Id, rotated.NewKey.TenantId);
        Assert.Equal(oldKey.Name, rotated.NewKey.Name);
        Assert.Equal(_time.GetUtcNow().AddHours(1), rotated.OldKey.ExpiresAt);
        Assert.NotNull(await ValidateAsync(oldKey.Key));
        var identity = await ValidateAsync(rotated.NewKey.Key);
        Assert.Equal(rotated.NewKey.Id, identity!.KeyId);
    }

    [Fact]
    public async Task Rotate_AfterOldKeyExpiry_OnlyNewKeyWorks()
    {
        var (tenant, oldKey) = await App.CreateTenantWithKeyAsync();
        using var admin = App.CreateAdminClient();

        var rotated = await RotateAsync(admin, oldKey.Id, new { old_key_expires_at = _time.GetUtcNow().AddHours(2) });
        _time.Advance(TimeSpan.FromHours(2));
        var keys = await admin.GetFromJsonAsync<List<ApiKeyResponse>>($"/admin/tenants/{tenant.Id}/keys", BillingJson.Options, CancellationToken);

        Assert.Null(await ValidateAsync(oldKey.Key));
        Assert.NotNull(await ValidateAsync(rotated.NewKey.Key));
        Assert.Equal(oldKey.Id, Assert.Single(keys!, key => key.Id == rotated.NewKey.Id).ReplacesKeyId);
    }

    [Fact]
    public async Task Rotate_WithoutBody_KeepsOldKeyForDefaultOverlap()
    {
        var (_, oldKey) = await App.CreateTenantWithKeyAsync();
        using var admin = App.CreateAdminClient();

        using var response = await admin.PostAsync($"/admin/keys/{oldKey.Id}/rotate", null, CancellationToken);
        var rotated = await response.Content.ReadFromJsonAsync<RotatedApiKey>(BillingJson.Options, CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(_time.GetUtcNow().AddDays(1), rotated!.OldKey.ExpiresAt);
    }

    [Fact]
    public async Task Rotate_ExpiryAfterOldKeyExpiry_Returns400()
    {
        var (tenant, _) = await App.CreateTenantWithKeyAsync();
        using var admin = App.CreateAdminClient();
        using var created = await admin.PostAsJsonAsync(
            $"/admin/tenants/{tenant.Id}/keys", new { name = "short", expires_at = _time.GetUtcNow().AddHours(1) }, BillingJson.Options, CancellationToken);
        var shortKey = (await created.Content.ReadFromJsonAsync<CreatedApiKey>(BillingJson.Options, CancellationToken))!;

        using var response = await admin.PostAsJsonAsync(
            $"/admin/keys/{shortKey.Id}/rotate", new { old_key_expires_at = _time.GetUtcNow().AddHours(3) }, BillingJson.Options, CancellationToken);
        var body = await response.Content.ReadAsStringAsync(CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("old_key_expires_at", body, StringComparison.Ordinal);
        Assert.Equal(1L, await App.QueryScalarAsync<long>("SELECT count(*) FROM api_keys WHERE tenant_id = @t AND name = 'short'", ("t", tenant.Id)));
    }

    [Fact]
    public async Task Rotate_RevokedKey_Returns409()
    {
        var (_, key) = await App.CreateTenantWithKeyAsync();
        using var admin = App.CreateAdminClient();
        using var revoked = await admin.DeleteAsync($"/admin/keys/{key.Id}", CancellationToken);

        using var response = await admin.PostAsync($"/admin/keys/{key.Id}/rotate", null, CancellationToken);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task Rotate_UnknownKey_Returns404()
    {
        using var admin = App.CreateAdminClient();

        using var response = await admin.PostAsync($"/admin/keys/{Guid.NewGuid()}/rotate", null, CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private static async Task<RotatedApiKey> RotateAsync(HttpClient admin, Guid keyId, object body)
    {
        using var response = await admin.PostAsJsonAsync($"/admin/keys/{keyId}/rotate", body, BillingJson.Options, CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<RotatedApiKey>(BillingJson.Options, CancellationToken))!;
    }

    private async Task<ApiKeyIdentity?> ValidateAsync(string key)
    {
        using var client = App.CreateInternalClient();
        using var response = await client.PostAsJsonAsync(BillingRoutes.ValidateKey, new ValidateKeyRequest(key), BillingJson.Options, CancellationToken);
        return response.StatusCode == HttpStatusCode.Unauthorized
            ? null
            : await response.Content.ReadFromJsonAsync<ApiKeyIdentity>(BillingJson.Options, CancellationToken);
    }
}
