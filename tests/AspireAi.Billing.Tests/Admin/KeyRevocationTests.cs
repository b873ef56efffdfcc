using System.Net.Http.Json;
using AspireAi.Billing.Tests.Infrastructure;
using AspireAi.BillingClient;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AspireAi.Billing.Tests.Admin;

/// <summary>
/// The authenticator as the gateway and embedding-search run it (<c>AddBillingClient</c> in a host of its own),
/// with a key cache far longer than the test, so only the revocation list can make it reject a cached key.
/// </summary>
public sealed class KeyRevocationTests(BillingAppFixture fixture) : IClassFixture<BillingAppFixture>
{
    private static readonly TimeSpan RejectionDeadline = TimeSpan.FromSeconds(5);

    private BillingApp App => fixture.App;

    private static CancellationToken CancellationToken => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Authenticate_CachedKeyRevoked_RejectedWithinSeconds()
    {
        var (_, key) = await App.CreateTenantWithKeyAsync();
        var (_, otherKey) = await App.CreateTenantWithKeyAsync("other");
        using var host = BuildServiceHost(revocationPollInterval: "00:00:00.500");
        await host.StartAsync(CancellationToken);
        var authenticator = host.Services.GetRequiredService<ApiKeyAuthenticator>();
        var before = await authenticator.AuthenticateAsync(key.Key, CancellationToken);
        await authenticator.AuthenticateAsync(otherKey.Key, CancellationToken);

        using var admin = App.CreateAdminClient();
        using var revoked = await admin.DeleteAsync($"/admin/keys/{key.Id}", CancellationToken);
        var revokedAt = DateTime.UtcNow;
        ApiKeyIdentity? after = before;
        while (after is not null && DateTime.UtcNow - revokedAt < RejectionDeadline)
        {
            await Task.Delay(100, CancellationToken);
            after = await authenticator.AuthenticateAsync(key.Key, CancellationToken);
        }

        var other = await authenticator.AuthenticateAsync(otherKey.Key, CancellationToken);
        await host.StopAsync(CancellationToken);

        Assert.Equal(key.Id, before!.KeyId);
        Assert.True(revoked.IsSuccessStatusCode);
        Assert.Null(after);
        Assert.Equal(otherKey.Id, other!.KeyId);
    }

    [Fact]
    public async Task Authenticate_CachedKeyRotated_RejectedSoonAfterNewExpiry()
    {
        var (_, key) = await App.CreateTenantWithKeyAsync();
        using var host = BuildServiceHost(revocationPollInterval: "00:00:00.500");
        await host.StartAsync(CancellationToken);
        var authenticator = host.Services.GetRequiredService<ApiKeyAuthenticator>();
        var before = await authenticator.AuthenticateAsync(key.Key, CancellationToken);

        var oldKeyExpiresAt = DateTimeOffset.UtcNow.AddSeconds(3);
        using var admin = App.CreateAdminClient();
        using var rotated = await admin.PostAsJsonAsync($"/admin/keys/{key.Id}/rotate", new { old_key_expires_at = oldKeyExpiresAt }, CancellationToken);
        var duringOverlap = await authenticator.AuthenticateAsync(key.Key, CancellationToken);
        ApiKeyIdentity? after = duringOverlap;
        while (after is not null && DateTimeOffset.UtcNow < oldKeyExpiresAt + RejectionDeadline)
        {
            await Task.Delay(100, CancellationToken);
            after = await authenticator.AuthenticateAsync(key.Key, CancellationToken);
        }

        var rejectedAt = DateTimeOffset.UtcNow;
        await host.StopAsync(CancellationToken);

        Assert.Equal(key.Id, before!.KeyId);
        Assert.True(rotated.IsSuccessStatusCode);
        Assert.Equal(key.Id, duringOverlap!.KeyId);
        Assert.Null(after);
        Assert.True(rejectedAt < oldKeyExpiresAt + TimeSpan.FromSeconds(2), $"The rotated key was still accepted {rejectedAt - oldKeyExpiresAt} after its new expiry.");
    }

    [Fact]
    public async Task Authenticate_PollingOff_KeepsCachedKeyAfterRevocation()
    {
        var (_, key) = await App.CreateTenantWithKeyAsync();
        using var host = BuildServiceHost(revocationPollInterval: "00:00:00");
        await host.StartAsync(CancellationToken);
        var authenticator = host.Services.GetRequiredService<ApiKeyAuthenticator>();
        await authenticator.AuthenticateAsync(key.Key, CancellationToken);

        using var admin = App.CreateAdminClient();
        using var revoked = await admin.DeleteAsync($"/admin/keys/{key.Id}", CancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(2), CancellationToken);
        var after = await authenticator.AuthenticateAsync(key.Key, CancellationToken);
        await host.StopAsync(CancellationToken);

        // The control case: without the revocation list the ten-minute cache still returns the identity, which shows that the
        // other test's rejection comes from the list.
        Assert.True(revoked.IsSuccessStatusCode);
        Assert.Equal(key.Id, after!.KeyId);
    }

    private IHost BuildServiceHost(string revocationPollInterval)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "revocation-test", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BillingClient:BaseAddress"] = "http://billing",
            ["BillingClient:InternalKey"] = BillingApp.InternalKey,
            ["BillingClient:KeyCacheDuration"] = "00:10:00",
            ["BillingClient:RevocationPollInterval"] = revocationPollInterval,
            ["BillingClient:Outbox:Directory"] = Directory.CreateTempSubdirectory("aspireai-outbox-").FullName,
        });
        builder.Services.AddBillingClient();
        builder.Services.AddHttpClient<BillingApiClient>().ConfigurePrimaryHttpMessageHandler(() => App.Server.CreateHandler());
        return builder.Build();
    }
}
