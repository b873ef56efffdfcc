using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AspireAi.Billing.ApiKeys;
using AspireAi.Billing.Tenants;
using AspireAi.Billing.Tests.Infrastructure;
using AspireAi.BillingClient;

namespace AspireAi.Billing.Tests.Admin;

public sealed class AdminApiTests(BillingAppFixture fixture) : IClassFixture<BillingAppFixture>
{
    private BillingApp App => fixture.App;

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-admin-key")]
    public async Task ListTenants_WithoutValidAdminKey_Returns401(string? key)
    {
        using var client = App.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var response = await client.GetAsync("/admin/tenants", CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task CreateTenant_InternalKey_Returns401()
    {
        using var client = App.CreateInternalClient();

        using var response = await client.PostAsJsonAsync("/admin/tenants", new { name = "sneaky" }, CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task CreateTenant_NewName_Returns201AndIsListed()
    {
        using var admin = App.CreateAdminClient();
        var name = $"acme-{Guid.NewGuid():N}";

        using var response = await admin.PostAsJsonAsync("/admin/tenants", new { name }, CancellationToken);
        var tenant = await response.Content.ReadFromJsonAsync<TenantResponse>(BillingJson.Options, CancellationToken);
        var list = await admin.GetFromJsonAsync<List<TenantResponse>>("/admin/tenants", BillingJson.Options, CancellationToken);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotNull(tenant);
        Assert.Equal(name, tenant.Name);
        Assert.NotEqual(Guid.Empty, tenant.Id);
        Assert.Contains(list!, t => t.Id == tenant.Id && t.Name == name);
    }

    [Fact]
    public async Task CreateTenant_ResponseJson_IsSnakeCase()
    {
        using var admin = App.CreateAdminClient();

        using var response = await admin.PostAsJsonAsync("/admin/tenants", new { name = $"json-{Guid.NewGuid():N}" }, CancellationToken);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(CancellationToken));

        Assert.True(document.RootElement.TryGetProperty("created_at", out _));
    }

    [Fact]
    public async Task CreateTenant_ExistingName_Returns409()
    {
        using var admin = App.CreateAdminClient();
        var name = $"twice-{Guid.NewGuid():N}";
        using var first = await admin.PostAsJsonAsync("/admin/tenants", new { name }, CancellationToken);

        using var second = await admin.PostAsJsonAsync("/admin/tenants", new { name }, CancellationToken);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public async Task CreateTenant_BlankName_Returns400(string? name)
    {
        using var admin = App.CreateAdminClient();

        using var response = await admin.PostAsJsonAsync("/admin/tenants", new { name }, CancellationToken);
        var body = await response.Content.ReadAsStringAsync(CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("name is required", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTenant_NameOver100Characters_Returns400()
    {
        using var admin = App.CreateAdminClient();

        using var atLimit = await admin.PostAsJsonAsync("/admin/tenants", new { name = Guid.NewGuid().ToString("N") + new string('a', 68) }, CancellationToken);
        using var overLimit = await admin.PostAsJsonAsync("/admin/tenants", new { name = new string('b', 101) }, CancellationToken);

        Assert.Equal(HttpStatusCode.Created, atLimit.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, overLimit.StatusCode);
        Assert.Contains("at most 100 characters", await overLimit.Content.ReadAsStringAsync(CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTenant_MalformedJson_Returns400WithReason()
    {
        using var admin = App.CreateAdminClient();
        using var content = new StringContent("{ \"name\": ", System.Text.Encoding.UTF8, "application/json");

        using var response = await admin.PostAsync("/admin/tenants", content, CancellationToken);
        var body = await response.Content.ReadAsStringAsync(CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("could not be read", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateApiKey_UnknownTenant_Returns404()
    {
        using var admin = App.CreateAdminClient();

        using var response = await admin.PostAsJsonAsync($"/admin/tenants/{Guid.NewGuid()}/keys", new { name = "k" }, CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task CreateApiKey_ExpiryInPast_Returns400()
    {
        var (tenant, _) = await App.CreateTenantWithKeyAsync();
        using var admin = App.CreateAdminClient();

        using var response = await admin.PostAsJsonAsync(
            $"/admin/tenants/{tenant.Id}/keys", new { name = "old", expires_at = DateTimeOffset.UtcNow.AddMinutes(-1) }, CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("expires_at must be in the future", await response.Content.ReadAsStringAsync(CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateApiKey_NewKey_StoresOnlyHash()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();

        var storedHash = await App.QueryScalarAsync<byte[]>("SELECT key_hash FROM api_keys WHERE id = @id", ("id", key.Id));
        var plaintextStored = await App.QueryScalarAsync<long>(
            "SELECT count(*) FROM api_keys WHERE prefix = @key OR name = @key", ("key", key.Key));

        Assert.Equal(tenant.Id, key.TenantId);
        Assert.StartsWith("aai_", key.Key, StringComparison.Ordinal);
        Assert.Equal(4 + 43, key.Key.Length);
        Assert.Equal(key.Key[..12], key.Prefix);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key.Key)), storedHash);
        Assert.Equal(0L, plaintextStored);
    }

    [Fact]
    public async Task ListApiKeys_ExistingTenant_OmitsSecrets()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        using var admin = App.CreateAdminClient();

        var body = await admin.GetStringAsync($"/admin/tenants/{tenant.Id}/keys", CancellationToken);
        var keys = JsonSerializer.Deserialize<List<ApiKeyResponse>>(body, BillingJson.Options)!;

        var listed = Assert.Single(keys);
        Assert.Equal(key.Id, listed.Id);
        Assert.Equal(key.Prefix, listed.Prefix);
        Assert.DoesNotContain(key.Key, body, StringComparison.Ordinal);
        Assert.DoesNotContain("hash", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\"key\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListApiKeys_UnknownTenant_Returns404()
    {
        using var admin = App.CreateAdminClient();

        using var response = await admin.GetAsync($"/admin/tenants/{Guid.NewGuid()}/keys", CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task RevokeApiKey_UnknownKey_Returns404()
    {
        using var admin = App.CreateAdminClient();

        using var response = await admin.DeleteAsync($"/admin/keys/{Guid.NewGuid()}", CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ApiKey_CreateValidateRevoke_ThenValidateReturns401()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        using var admin = App.CreateAdminClient();
        using var internalClient = App.CreateInternalClient();

        using var valid = await internalClient.PostAsJsonAsync(BillingRoutes.ValidateKey, new ValidateKeyRequest(key.Key), BillingJson.Options, CancellationToken);
        var identity = await valid.Content.ReadFromJsonAsync<ApiKeyIdentity>(BillingJson.Options, CancellationToken);
        using var revoke = await admin.DeleteAsync($"/admin/keys/{key.Id}", CancellationToken);
        using var afterRevoke = await internalClient.PostAsJsonAsync(BillingRoutes.ValidateKey, new ValidateKeyRequest(key.Key), BillingJson.Options, CancellationToken);
        var listed = await admin.GetFromJsonAsync<List<ApiKeyResponse>>($"/admin/tenants/{tenant.Id}/keys", BillingJson.Options, CancellationToken);

        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        Assert.Equal(new ApiKeyIdentity(tenant.Id, tenant.Name, key.Id, key.Name), identity);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevoke.StatusCode);
        Assert.NotNull(Assert.Single(listed!).RevokedAt);
    }

    [Fact]
    public async Task ValidateKey_UnknownKey_Returns401()
    {
        using var internalClient = App.CreateInternalClient();

        using var response = await internalClient.PostAsJsonAsync(
            BillingRoutes.ValidateKey, new ValidateKeyRequest("aai_" + new string('x', 43)), BillingJson.Options, CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ValidateKey_WithoutInternalKey_Returns401()
    {
        var (_, key) = await App.CreateTenantWithKeyAsync();
        using var client = App.CreateClient();
        client.DefaultRequestHeaders.Add(BillingRoutes.InternalKeyHeader, "wrong-internal-key");

        using var response = await client.PostAsJsonAsync(BillingRoutes.ValidateKey, new ValidateKeyRequest(key.Key), BillingJson.Options, CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task BillingApiClient_RealService_ReadsKeysAndPrices()
    {
        var (tenant, key) = await App.CreateTenantWithKeyAsync();
        using var http = App.CreateInternalClient();
        var client = new BillingApiClient(http);

        var identity = await client.ValidateKeyAsync(key.Key, CancellationToken);
        var rejected = await client.ValidateKeyAsync("aai_unknown", CancellationToken);
        var prices = await client.GetPricesAsync(CancellationToken);

        Assert.Equal(tenant.Id, identity?.TenantId);
        Assert.Null(rejected);
        var gpt4oMini = Assert.Single(prices, p => p.Provider == "openai" && p.Model == "gpt-4o-mini");
        Assert.Equal(0.075m, gpt4oMini.CachedInputPerMillion);
    }

    [Fact]
    public async Task Prices_WithoutInternalKey_Returns401()
    {
        using var client = App.CreateClient();

        using var response = await client.GetAsync(BillingRoutes.Prices, CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
