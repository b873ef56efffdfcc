using System.Collections.Concurrent;
using AspireAi.Billing.Tests.Infrastructure;
using AspireAi.BillingClient;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AspireAi.Billing.Tests.Usage;

/// <summary>
/// The usage outbox as the gateway and embedding-search run it (<c>AddBillingClient</c> and its background
/// worker in a host of their own), against a billing host that is stopped and started again.
/// </summary>
public sealed class UsageOutboxTests(PostgresServer server)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Submit_BillingStoppedThirtySecondsUnderLoad_StoresEveryRecordOnce()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var database = await server.CreateDatabaseAsync();
        var first = new BillingApp(database);
        await first.StartAsync();
        var (tenant, key) = await first.CreateTenantWithKeyAsync();
        var billing = new BillingSwitch { Target = first.Server.CreateHandler() };
        var outboxDirectory = Directory.CreateTempSubdirectory("aspireai-outbox-").FullName;
        using var producerHost = BuildProducerHost(billing, outboxDirectory);
        await producerHost.StartAsync(cancellationToken);
        var outbox = producerHost.Services.GetRequiredService<UsageOutbox>();

        var submitted = new ConcurrentBag<string>();
        using var stopProducing = new CancellationTokenSource();
        var producers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stopProducing.IsCancellationRequested)
            {
                var record = new UsageRecord(
                    "req_" + Guid.NewGuid().ToString("N"), tenant.Id, key.Id, "completion", "openai", "gpt-4o-mini", 120, 0, 30, false, DateTimeOffset.UtcNow);
                await outbox.SubmitAsync(record);
                submitted.Add(record.RequestId);
                if (submitted.Count % 10 == 0)
                {
                    // A retried delivery of a record that was already handed over.
                    await outbox.SubmitAsync(record);
                }

                await Task.Delay(100, CancellationToken.None);
            }
        }, CancellationToken.None)).ToList();

        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        billing.Target = null;
        await first.DisposeAsync();
        await Task.Delay(Outage, cancellationToken);
        var pendingDuringOutage = outbox.PendingCount;
        await using var second = new BillingApp(database);
        await second.StartAsync();
        billing.Target = second.Server.CreateHandler();
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        await stopProducing.CancelAsync();
        await Task.WhenAll(producers);

        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (outbox.PendingCount > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250, cancellationToken);
        }

        var stored = await second.QueryScalarAsync<long>("SELECT count(*) FROM usage_ledger WHERE tenant_id = @tenant_id", ("tenant_id", tenant.Id));
        var storedFromSubmitted = await second.QueryScalarAsync<long>(
            "SELECT count(*) FROM usage_ledger WHERE request_id = ANY(@ids)", ("ids", submitted.ToArray()));
        await producerHost.StopAsync(cancellationToken);

        Assert.True(pendingDuringOutage > 100, $"Only {pendingDuringOutage} records waited during the outage, so the load did not reach billing's downtime.");
        Assert.Equal(0, outbox.PendingCount);
        Assert.Equal(submitted.Count, storedFromSubmitted);
        Assert.Equal(submitted.Count, stored);
    }

    [Fact]
    public async Task Submit_BillingUp_ReturnsBillingCostAndLeavesNothingPending()
    {
        var app = new BillingApp(await server.CreateDatabaseAsync());
        await using var _ = app;
        await app.StartAsync();
        var (tenant, key) = await app.CreateTenantWithKeyAsync();
        var outboxDirectory = Directory.CreateTempSubdirectory("aspireai-outbox-").FullName;
        using var producerHost = BuildProducerHost(new BillingSwitch { Target = app.Server.CreateHandler() }, outboxDirectory);
        var outbox = producerHost.Services.GetRequiredService<UsageOutbox>();

        // gpt-4o-mini: 1,000 input tokens at 0.15 and 500 output tokens at 0.60 dollars per million.
        var recorded = await outbox.SubmitAsync(new UsageRecord(
            "req_" + Guid.NewGuid().ToString("N"), tenant.Id, key.Id, "completion", "openai", "gpt-4o-mini", 1000, 0, 500, false, DateTimeOffset.UtcNow));

        Assert.NotNull(recorded);
        Assert.Equal(0.00045m, recorded.Cost);
        Assert.Equal(0, outbox.PendingCount);
    }

    private static IHost BuildProducerHost(BillingSwitch billing, string outboxDirectory)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "outbox-test", DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["BillingClient:BaseAddress"] = "http://billing",
            ["BillingClient:InternalKey"] = BillingApp.InternalKey,
            ["BillingClient:Outbox:Directory"] = outboxDirectory,
            ["BillingClient:Outbox:DeliveryTimeout"] = "00:00:01",
            ["BillingClient:Outbox:RetryInterval"] = "00:00:00.500",
            ["BillingClient:Outbox:MaxRetryInterval"] = "00:00:02",
        });
        builder.Services.AddBillingClient();
        builder.Services.AddHttpClient<BillingApiClient>().ConfigurePrimaryHttpMessageHandler(() => new SwitchingHandler(billing));
        return builder.Build();
    }

    /// <summary>The billing host that requests reach; null while billing is stopped.</summary>
    private sealed class BillingSwitch
    {
        public volatile HttpMessageHandler? Target;
    }

    /// <summary>Sends requests to the current billing host, and fails like a refused connection while there is none.</summary>
    private sealed class SwitchingHandler(BillingSwitch billing) : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var target = billing.Target ?? throw new HttpRequestException("Connection refused: billing is stopped.");
            using var invoker = new HttpMessageInvoker(target, disposeHandler: false);
            return await invoker.SendAsync(request, cancellationToken);
        }
    }
}
