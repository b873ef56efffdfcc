using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AspireAi.BillingClient;
using AspireAi.Completion.Anthropic;
using AspireAi.Completion.Batch;
using AspireAi.Completion.Chat;
using AspireAi.Completion.Forwarding;
using AspireAi.Completion.Jobs;
using AspireAi.ProviderEmulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace AspireAi.Completion.Tests.Infrastructure;

/// <summary>
/// The gateway in this process, in front of the real provider emulator, with Garnet for Redis. Billing
/// is a small stand-in on the loopback interface that accepts one API key, has no prices and no
/// budgets, and keeps every usage record it receives, so tests can count the ledger rows of a request.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    /// <summary>The API key the billing stand-in accepts.</summary>
    public const string ApiKey = "aspireai-test-key";

    private const string InternalKey = "internal-test-key";

    private readonly List<WebApplication> _apps = [];
    private readonly string _outboxDirectory = Path.Combine(Path.GetTempPath(), "aspireai-gateway-tests", Guid.NewGuid().ToString("N"));

    private GatewayHost()
    {
    }

    /// <summary>The tenant every request is billed to; new for each host, so cache entries never cross hosts.</summary>
    public Guid TenantId { get; } = Guid.NewGuid();

    /// <summary>The usage records billing received, in arrival order.</summary>
    public ConcurrentQueue<UsageRecord> UsageRecords { get; } = new();

    /// <summary>The emulator's base URL, such as <c>http://127.0.0.1:5001/</c>.</summary>
    public Uri EmulatorUrl { get; private set; } = null!;

    /// <summary>A client for the gateway that sends the test API key.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>Starts billing's stand-in, the emulator and the gateway.</summary>
    /// <param name="redis">The Redis connection, from <see cref="GarnetFixture"/>.</param>
    /// <param name="emulatorSettings">Emulator settings under <c>ProviderEmulator:</c>, such as faults per model.</param>
    /// <param name="gatewaySettings">
    /// Gateway settings that extend or replace the defaults. <c>{emulator}</c> in a value is replaced by the
    /// emulator's base URL without its trailing slash.
    /// </param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The started host.</returns>
    public static async Task<GatewayHost> StartAsync(
        IConnectionMultiplexer redis,
        IReadOnlyDictionary<string, string?> emulatorSettings,
        IReadOnlyDictionary<string, string?> gatewaySettings,
        CancellationToken cancellationToken)
    {
        var host = new GatewayHost();
        try
        {
            var billingUrl = await host.StartBillingAsync(cancellationToken);
            host.EmulatorUrl = await host.StartEmulatorAsync(emulatorSettings, cancellationToken);
            var gatewayUrl = await host.StartGatewayAsync(redis, billingUrl, gatewaySettings, cancellationToken);
            host.Client = new HttpClient { BaseAddress = gatewayUrl, Timeout = TimeSpan.FromSeconds(60) };
            host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        foreach (var app in Enumerable.Reverse(_apps))
        {
            await app.DisposeAsync();
        }

        if (Directory.Exists(_outboxDirectory))
        {
            Directory.Delete(_outboxDirectory, recursive: true);
        }
    }

    private static WebApplicationBuilder CreateBuilder(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        return builder;
    }

    private async Task<Uri> StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        _apps.Add(app);
        await app.StartAsync(cancellationToken);
        return new Uri(app.Urls.Single() + "/");
    }

    private Task<Uri> StartBillingAsync(CancellationToken cancellationToken)
    {
        var app = CreateBuilder([]).Build();
        var identity = new ApiKeyIdentity(TenantId, "gateway-tests", Guid.NewGuid(), "test-key");

        app.MapPost(BillingRoutes.ValidateKey, async (HttpContext context) =>
        {
            var request = await context.Request.ReadFromJsonAsync<ValidateKeyRequest>(BillingJson.Options);
            return request?.Key == ApiKey ? Results.Json(identity, BillingJson.Options) : Results.Unauthorized();
        });
        app.MapGet(BillingRoutes.RevokedKeys, () => Results.Json(new RevokedKeyList(DateTimeOffset.UtcNow, []), BillingJson.Options));
        app.MapGet(BillingRoutes.Prices, () => Results.Json(Array.Empty<ModelPrice>(), BillingJson.Options));
        app.MapPost(BillingRoutes.BudgetReservations, async (HttpContext context) =>
        {
            var request = (await context.Request.ReadFromJsonAsync<BudgetReservationRequest>(BillingJson.Options))!;
            var now = DateTimeOffset.UtcNow;
            return Results.Json(
                new BudgetReservation(request.RequestId, request.TenantId, request.KeyId, request.Model, now, now.AddMinutes(10), request.EstimatedCost, []),
                BillingJson.Options);
        });
        app.MapPost(BillingRoutes.SettleBudgetReservation, () => Results.Ok());
        app.MapPost(BillingRoutes.ReleaseBudgetReservation, () => Results.Ok());
        app.MapPost(BillingRoutes.RecordUsage, async (HttpContext context) =>
        {
            var record = (await context.Request.ReadFromJsonAsync<UsageRecord>(BillingJson.Options))!;
            return Results.Json(Record(record), BillingJson.Options);
        });
        app.MapPost(BillingRoutes.RecordUsageBatch, async (HttpContext context) =>
        {
            var batch = (await context.Request.ReadFromJsonAsync<UsageBatch>(BillingJson.Options))!;
            var items = batch.Records.Select(record => new UsageBatchItem(record.RequestId, Record(record), null)).ToList();
            return Results.Json(new UsageBatchResult(items), BillingJson.Options);
        });

        return StartAsync(app, cancellationToken);
    }

    private UsageRecorded Record(UsageRecord record)
    {
        // Like billing's ledger, a second record with the same request id adds nothing.
        var duplicate = UsageRecords.Any(existing => existing.RequestId == record.RequestId);
        if (!duplicate)
        {
            UsageRecords.Enqueue(record);
        }

        return new UsageRecorded(record.RequestId, 0m, 0m, Priced: false, duplicate);
    }

    private Task<Uri> StartEmulatorAsync(IReadOnlyDictionary<string, string?> settings, CancellationToken cancellationToken)
    {
        var builder = CreateBuilder(settings.Select(pair => KeyValuePair.Create($"ProviderEmulator:{pair.Key}", pair.Value)));
        builder.AddProviderEmulatorServices();
        var app = builder.Build();
        ProviderEmulator.Chat.ChatCompletionEndpoints.MapChatCompletionEndpoints(app);
        ProviderEmulator.Anthropic.MessageEndpoints.MapMessageEndpoints(app);
        ProviderEmulator.Embeddings.EmbeddingEndpoints.MapEmbeddingEndpoints(app);
        ProviderEmulator.Models.ModelEndpoints.MapModelEndpoints(app);
        ProviderEmulator.Azure.AzureOpenAiEndpoints.MapAzureOpenAiEndpoints(app);
        return StartAsync(app, cancellationToken);
    }

    private Task<Uri> StartGatewayAsync(
        IConnectionMultiplexer redis, Uri billingUrl, IReadOnlyDictionary<string, string?> overrides, CancellationToken cancellationToken)
    {
        var emulator = EmulatorUrl.ToString().TrimEnd('/');
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Completion:Upstream:Provider"] = "emulator",
            ["Completion:Upstream:BaseUrl"] = $"{emulator}/v1",
            ["Completion:Upstream:ApiKey"] = "emulator-key",
            ["Completion:Resilience:BaseDelay"] = "00:00:00.050",
            ["Completion:Resilience:MaxDelay"] = "00:00:00.200",
            ["Completion:Jobs:Workers"] = "0",
            ["BillingClient:BaseAddress"] = billingUrl.ToString(),
            ["BillingClient:InternalKey"] = InternalKey,
            ["BillingClient:Outbox:Directory"] = _outboxDirectory,
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value?.Replace("{emulator}", emulator, StringComparison.Ordinal);
        }

        var builder = CreateBuilder(settings);
        builder.Services.AddSingleton(redis);
        builder.Services.AddSingleton<ServiceDefaults.GenAi.GenAiTelemetry>();
        builder.Services.AddProblemDetails();
        builder.AddCompletionServices();

        var app = builder.Build();
        app.UseExceptionHandler();
        Completion.Chat.ChatCompletionEndpoints.MapChatCompletionEndpoints(app);
        Completion.Chat.ChatCompletionEndpoints.MapModelEndpoints(app);
        Completion.Anthropic.MessageEndpoints.MapMessageEndpoints(app);
        app.MapBatchEndpoints();
        app.MapJobEndpoints();
        app.MapForwardedEndpoints();
        return StartAsync(app, cancellationToken);
    }
}
