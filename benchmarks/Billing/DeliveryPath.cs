using System.Text.Json;
using AspireAi.BillingClient;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AspireAi.Benchmarks.Billing;

/// <summary>
/// The gateway's side of billing, built the way the gateway builds it: service defaults (with the standard resilience
/// handler on every HttpClient) and <c>AddBillingClient()</c>, with the outbox in a folder of its own. The host is
/// built but never started, so the outbox's background worker does not run and each measurement drives delivery itself.
/// </summary>
internal sealed class DeliveryPath : IDisposable
{
    private readonly IHost _host;

    public DeliveryPath(Uri billingUrl, string internalKey, string outboxDirectory, int batchSize)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ApplicationName = "billing-benchmark",
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{BillingClientOptions.SectionName}:BaseAddress"] = billingUrl.AbsoluteUri,
            [$"{BillingClientOptions.SectionName}:InternalKey"] = internalKey,
            [$"{BillingClientOptions.SectionName}:Outbox:Directory"] = outboxDirectory,
            [$"{BillingClientOptions.SectionName}:Outbox:BatchSize"] = batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults();
        builder.Services.AddBillingClient();
        _host = builder.Build();

        Outbox = _host.Services.GetRequiredService<UsageOutbox>();
    }

    /// <summary>The outbox that the gateway hands every usage record to.</summary>
    public UsageOutbox Outbox { get; }

    /// <summary>Returns a billing client as the gateway resolves one for each call.</summary>
    public BillingApiClient Billing => _host.Services.GetRequiredService<BillingApiClient>();

    /// <summary>
    /// Writes records into the outbox folder as files that wait for delivery, in the outbox's own format: one record
    /// per <c>.json</c> file, serialized with <see cref="BillingJson.Options"/>. This is what a gateway leaves behind
    /// while billing is slow or down, and what its background worker then sends in batches.
    /// </summary>
    public void FillOutbox(IEnumerable<UsageRecord> records)
    {
        foreach (var record in records)
        {
            var path = Path.Combine(Outbox.Directory, record.RequestId + ".json");
            File.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(record, BillingJson.Options));
        }
    }

    public void Dispose() => _host.Dispose();
}
