using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspireAi.IntegrationTests.Infrastructure;

namespace AspireAi.IntegrationTests;

public class ApiKeyRevocationTests(AspireAiAppFixture fixture)
{
    private static readonly TimeSpan RejectionDeadline = TimeSpan.FromSeconds(10);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Gateway_KeyRevokedWhileCached_RejectsWithinSeconds()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var gateway = tenant.CreateHttpClient();
        using var admin = fixture.CreateBillingAdminClient();
        using var before = await gateway.GetAsync("/v1/models", Cancellation);
        var keys = await admin.GetFromJsonAsync<JsonElement>($"/admin/tenants/{tenant.Id}/keys", Cancellation);
        var keyId = keys[0].GetProperty("id").GetGuid();

        using var revoked = await admin.DeleteAsync($"/admin/keys/{keyId}", Cancellation);
        var revokedAt = DateTime.UtcNow;
        var status = before.StatusCode;
        while (status != HttpStatusCode.Unauthorized && DateTime.UtcNow - revokedAt < RejectionDeadline)
        {
            await Task.Delay(200, Cancellation);
            using var after = await gateway.GetAsync("/v1/models", Cancellation);
            status = after.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }
}
