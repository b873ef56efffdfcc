using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AspireAi.Billing.Tests.Infrastructure;
using AspireAi.BillingClient;
using AspireAi.Completion.Anthropic;
using AspireAi.Completion.Batch;
using AspireAi.Completion.Chat;
using AspireAi.Completion.Forwarding;
using AspireAi.Completion.Jobs;
using AspireAi.ProviderEmulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using StackExchange.Redis;

namespace AspireAi.Completion.Tests.Infrastructure;

/// <summary>
/// The gateway in this process, in front of the real provider emulator, with Garnet for Redis and the real
/// billing service over its own PostgreSQL database. Each host creates a tenant and an API key through billing's
/// admin API, so the ledger rows of one host belong to its tenant alone.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private static readonly TimeSpan UsageDeliveryTimeout = TimeSpan.FromSeconds(30);

    private readonly List<WebApplication> _apps = [];
    private readonly string _outboxDirectory = Path.Combine(Path.GetTempPath(), "aspireai-gateway-tests", Guid.NewGuid().ToString("N"));

    private BillingApp? _billing;
    private WebApplication? _gateway;

    private GatewayHost()
    {
    }

    /// <summary>The tenant every request is billed to; new for each host, so cache entries never cross hosts.</summary>
    public Guid TenantId { get; private set; }

    /// <summary>The emulator's base URL, such as <c>http://127.0.0.1:5001/</c>.</summary>
    public Uri EmulatorUrl { get; private set; } = null!;

    /// <summary>A client for the gateway that sends the API key billing created for <see cref="TenantId"/>.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>Starts billing with a new tenant and API key, the emulator and the gateway.</summary>
    /// <param name="redis">The gateway's Redis connection, from <see cref="GarnetFixture"/>.</param>
    /// <param name="postgres">The PostgreSQL cluster in which billing gets a new database.</param>
    /// <param name="emulatorSettings">Emulator settings under <c>ProviderEmulator:</c>, such as faults per model.</param>
    /// <param name="gatewaySettings">
    /// Gateway settings that extend or replace the defaults. <c>{emulator}</c> in a value is replaced by the
    /// emulator's base URL without its trailing slash.
    /// </param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The started host.</returns>
    public static async Task<GatewayHost> StartAsync(
        IConnectionMultiplexer redis,
        PostgresServer postgres,
        IReadOnlyDictionary<string, string?> emulatorSettings,
        IReadOnlyDictionary<string, string?> gatewaySettings,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(postgres);

        var host = new GatewayHost();
        try
        {
            var billingUrl = await host.StartBillingAsync(postgres);
            var (tenant, key) = await host._billing!.CreateTenantWithKeyAsync("gateway-tests");
            host.TenantId = tenant.Id;

            host.EmulatorUrl = await host.StartEmulatorAsync(emulatorSettings, cancellationToken);
            var gatewayUrl = await host.StartGatewayAsync(redis, billingUrl, gatewaySettings, cancellationToken);
            host.Client = new HttpClient { BaseAddress = gatewayUrl, Timeout = TimeSpan.FromSeconds(60) };
            host.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Key);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Waits until the gateway has delivered its usage records to billing, then reads the tenant's usage of
    /// yesterday, today and tomorrow (UTC) through the gateway's <c>GET /v1/usage</c>.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait and the request.</param>
    /// <returns>Billing's summary of the tenant's ledger.</returns>
    public async Task<UsageSummary> GetUsageSummaryAsync(CancellationToken cancellationToken)
    {
        await WaitForUsageDeliveryAsync(cancellationToken);

        // The range spans midnight, so a request made just before it still counts.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var from = today.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = today.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var response = await Client.GetAsync($"v1/usage?from={from}&to={to}", cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET /v1/usage returned {(int)response.StatusCode}: {body}");
        }

        return JsonSerializer.Deserialize<UsageSummary>(body, BillingJson.Options)!;
    }

    /// <summary>
    /// Waits until the gateway has delivered its usage records to billing, then reads the tenant's ledger rows from
    /// billing's database, oldest first. Billing's API reports only totals, and these checks need each row's request
    /// id and provider.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait and the query.</param>
    /// <returns>The tenant's rows in <c>usage_ledger</c>.</returns>
    public async Task<IReadOnlyList<LedgerRow>> ReadLedgerAsync(CancellationToken cancellationToken)
    {
        await WaitForUsageDeliveryAsync(cancellationToken);

        await using var connection = new NpgsqlConnection(_billing!.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            """
            SELECT request_id, provider, model, input_tokens, output_tokens, cost, priced
            FROM usage_ledger
            WHERE tenant_id = @tenant_id
            ORDER BY recorded_at, request_id
            """,
            connection);
        command.Parameters.AddWithValue("tenant_id", TenantId);

        var rows = new List<LedgerRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new LedgerRow(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetInt64(3),
                reader.GetInt64(4),
                reader.GetDecimal(5),
                reader.GetBoolean(6)));
        }

        return rows;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        foreach (var app in Enumerable.Reverse(_apps))
        {
            await app.DisposeAsync();
        }

        if (_billing is not null)
        {
            await _billing.DisposeAsync();
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

    private async Task<Uri> StartBillingAsync(PostgresServer postgres)
    {
        // Billing's OpenTelemetry SDK stays off because its listeners are process-wide. They would trace the test client's
        // HttpClient calls too, and the server would then see the client's span as parent instead of a test's traceparent.
        var settings = new Dictionary<string, string?> { ["OTEL_SDK_DISABLED"] = "true" };
        _billing = new BillingApp(await postgres.CreateDatabaseAsync(), settings: settings);

        // Kestrel instead of the in-memory test server, because the gateway reaches billing over HTTP.
        _billing.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        await _billing.StartAsync();

        var server = _billing.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>();
        return new Uri(server.Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single() + "/");
    }

    private async Task WaitForUsageDeliveryAsync(CancellationToken cancellationToken)
    {
        // A record stays in the outbox when billing did not acknowledge it within the delivery timeout, and the outbox
        // worker resends it later. Records of requests still running are not in the outbox yet, so they are not awaited.
        var outbox = _gateway!.Services.GetRequiredService<UsageOutbox>();
        var deadline = DateTime.UtcNow + UsageDeliveryTimeout;
        while (outbox.PendingCount > 0)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"{outbox.PendingCount} usage records were still in the gateway's outbox at {outbox.Directory} after {UsageDeliveryTimeout.TotalSeconds} seconds.");
            }

            await Task.Delay(50, cancellationToken);
        }
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
            ["BillingClient:InternalKey"] = BillingApp.InternalKey,
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
        _gateway = app;
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
