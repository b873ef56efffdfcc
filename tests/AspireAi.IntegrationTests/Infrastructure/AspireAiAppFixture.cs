using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OpenAI;

[assembly: AssemblyFixture(typeof(AspireAi.IntegrationTests.Infrastructure.AspireAiAppFixture))]

namespace AspireAi.IntegrationTests.Infrastructure;

/// <summary>
/// Starts the real AppHost once for the whole test run, in local mode with a fresh data folder,
/// and creates a new tenant for each test that asks, so no test sees another's data.
/// </summary>
public sealed class AspireAiAppFixture : IAsyncLifetime
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan HealthyTimeout = TimeSpan.FromMinutes(5);

    private readonly string _adminKey = "admin-" + Guid.NewGuid().ToString("N");
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "aspireai-integration", Guid.NewGuid().ToString("N"));
    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The application has not started.");

    public Uri GatewayBaseAddress { get; private set; } = null!;

    /// <summary>The name of the one tenant that has the semantic cache turned on; only one test creates it.</summary>
    public const string SemanticTenantName = "semantic-cache-tenant";

    /// <summary>Returns the connection string of the Redis-protocol server the services share.</summary>
    public async Task<string> GetRedisConnectionStringAsync(CancellationToken cancellationToken) =>
        await App.GetConnectionStringAsync("redis", cancellationToken) ?? throw new InvalidOperationException("The redis resource has no connection string.");

    public async ValueTask InitializeAsync()
    {
        string[] arguments =
        [
            "AspireAi:UseContainers=false",
            $"AspireAi:Local:DataDirectory={_dataDirectory}",
            "AspireAi:Development:ApiKeyFile=",
            $"Parameters:billing-admin-key={_adminKey}",
        ];

        using var buildTimeout = new CancellationTokenSource(BuildTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(arguments, buildTimeout.Token);

        // Settings that make the gateway's slower paths quick to observe in tests: a short worker
        // heartbeat so abandoned jobs are requeued within seconds, and a cheaper alternative for
        // gpt-4o so the cost cap has something to choose.
        // Two gateway replicas behind Aspire's proxy, so every test also checks that the state the
        // replicas share (cache, locks, rate limits, budgets, jobs) lives in Redis and billing.
        builder.CreateResourceBuilder<ProjectResource>("gateway")
            .WithReplicas(2)
            .WithEnvironment("Completion__Jobs__WorkerTimeout", "00:00:05")
            .WithEnvironment("Completion__Models__gpt-4o__Alternatives__0__Model", "gpt-4o-mini")
            .WithEnvironment($"Completion__Cache__Tenants__{SemanticTenantName}__SemanticThreshold", "0.85")
            .WithEnvironment("Completion__Resilience__BaseDelay", "00:00:00.100")
            .WithEnvironment("Completion__Aliases__fast", "gpt-4o-mini")
            .WithEnvironment("Completion__Models__fault-500-fallback__Fallbacks__0", "gpt-4o-mini")
            .WithEnvironment("Completion__Models__fault-long-stream__AttemptTimeout", "00:00:01")
            .WithEnvironment("Completion__Models__fault-long-stream__IdleTimeout", "00:00:01")
            .WithEnvironment("Completion__Models__fault-stall__IdleTimeout", "00:00:01");

        // claude-3-5-haiku is served through the emulator's Anthropic Messages API, so the gateway's
        // translation to and from Anthropic's format runs against a real HTTP upstream.
        var emulator = builder.CreateResourceBuilder<ProjectResource>("provider-emulator");
        var emulatorKey = builder.CreateResourceBuilder(builder.Resources.OfType<ParameterResource>().Single(parameter => parameter.Name == "provider-emulator-api-key"));
        builder.CreateResourceBuilder<ProjectResource>("gateway")
            .WithEnvironment("Completion__Providers__emulator-anthropic__Kind", "Anthropic")
            .WithEnvironment("Completion__Providers__emulator-anthropic__LedgerName", "anthropic")
            .WithEnvironment("Completion__Providers__emulator-anthropic__BaseUrl", emulator.GetEndpoint("http"))
            .WithEnvironment("Completion__Providers__emulator-anthropic__ApiKey", emulatorKey)
            .WithEnvironment("Completion__Models__claude-3-5-haiku__Deployments__0__Provider", "emulator-anthropic");

        // Emulated provider faults, one model each, so gateway tests choose a fault by model name.
        emulator
            .WithEnvironment("ProviderEmulator__Faults__fault-split-utf8__SplitUtf8", "true")
            .WithEnvironment("ProviderEmulator__Faults__fault-ping__Comments", "true")
            .WithEnvironment("ProviderEmulator__Faults__fault-ping__CrLf", "true")
            .WithEnvironment("ProviderEmulator__Faults__fault-slow__ChunkDelay", "00:00:00.200")
            .WithEnvironment("ProviderEmulator__Faults__fault-long-stream__ChunkDelay", "00:00:00.250")
            .WithEnvironment("ProviderEmulator__Faults__fault-stall__ChunkDelay", "00:00:03")
            .WithEnvironment("ProviderEmulator__Faults__fault-503x2__StatusCode", "503")
            .WithEnvironment("ProviderEmulator__Faults__fault-503x2__FailedAttempts", "2")
            .WithEnvironment("ProviderEmulator__Faults__fault-429__StatusCode", "429")
            .WithEnvironment("ProviderEmulator__Faults__fault-429__RetryAfterSeconds", "2")
            .WithEnvironment("ProviderEmulator__Faults__fault-500__StatusCode", "500")
            .WithEnvironment("ProviderEmulator__Faults__fault-500-fallback__StatusCode", "500")
            .WithEnvironment("ProviderEmulator__Faults__fault-drop__DropAfterChunks", "4")
            .WithEnvironment("ProviderEmulator__Faults__fault-error-in-body__ErrorInBody", "true")
            .WithEnvironment("ProviderEmulator__Faults__fault-no-usage__OmitUsage", "true")
            .WithEnvironment("ProviderEmulator__Faults__fault-hang__Hang", "true")
            .WithEnvironment("ProviderEmulator__Faults__fault-hang-once__Hang", "true")
            .WithEnvironment("ProviderEmulator__Faults__fault-hang-once__FailedAttempts", "1");
        _app = await builder.BuildAsync(buildTimeout.Token);

        using var startTimeout = new CancellationTokenSource(StartTimeout);
        await _app.StartAsync(startTimeout.Token);

        using var healthyTimeout = new CancellationTokenSource(HealthyTimeout);
        foreach (var resource in new[] { "billing", "embedding-search", "provider-emulator", "gateway" })
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(resource, healthyTimeout.Token);
        }

        GatewayBaseAddress = _app.GetEndpoint("gateway", "http");
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // PostgreSQL may still hold a file for a moment after it stops; the folder is in /tmp.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Returns a client for billing's admin API that sends the admin key.</summary>
    public HttpClient CreateBillingAdminClient()
    {
        var billing = App.CreateHttpClient("billing", "http");
        billing.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _adminKey);
        return billing;
    }

    /// <summary>Creates a hard monthly budget on a tenant's whole spend through billing's admin API.</summary>
    public async Task CreateTenantBudgetAsync(Guid tenantId, decimal limitUsd, CancellationToken cancellationToken)
    {
        using var billing = App.CreateHttpClient("billing", "http");
        billing.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _adminKey);

        using var response = await billing.PostAsJsonAsync(
            $"/admin/tenants/{tenantId}/budgets",
            new { period = "monthly", limit_usd = limitUsd, enforcement = "hard", alert_thresholds = new[] { 50, 80, 100 } },
            cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Creating a budget failed with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    /// <summary>Creates a tenant and an API key for it through billing's admin API.</summary>
    public async Task<TestTenant> CreateTenantAsync(CancellationToken cancellationToken, string? name = null)
    {
        using var billing = App.CreateHttpClient("billing", "http");
        billing.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _adminKey);

        name ??= "tenant-" + Guid.NewGuid().ToString("N")[..12];
        using var tenantResponse = await billing.PostAsJsonAsync("/admin/tenants", new { name }, cancellationToken);
        tenantResponse.EnsureSuccessStatusCode();
        var tenant = await tenantResponse.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        var tenantId = tenant.GetProperty("id").GetGuid();

        using var keyResponse = await billing.PostAsJsonAsync($"/admin/tenants/{tenantId}/keys", new { name = "integration" }, cancellationToken);
        keyResponse.EnsureSuccessStatusCode();
        var key = await keyResponse.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);

        return new TestTenant(tenantId, key.GetProperty("key").GetString()!, GatewayBaseAddress);
    }
}

/// <summary>A tenant made for one test, with clients aimed at the gateway.</summary>
public sealed record TestTenant(Guid Id, string ApiKey, Uri GatewayBaseAddress)
{
    public OpenAIClient CreateOpenAiClient(ResponseRecorder? recorder = null)
    {
        var options = new OpenAIClientOptions { Endpoint = new Uri(GatewayBaseAddress, "/v1") };
        if (recorder is not null)
        {
            options.AddPolicy(recorder, PipelinePosition.PerCall);
        }

        return new OpenAIClient(new ApiKeyCredential(ApiKey), options);
    }

    public HttpClient CreateHttpClient()
    {
        var client = new HttpClient { BaseAddress = GatewayBaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
        return client;
    }
}

/// <summary>Keeps the headers of every response an SDK client receives, for calls whose result hides them (streams).</summary>
public sealed class ResponseRecorder : PipelinePolicy
{
    private readonly List<Dictionary<string, string>> _headers = [];

    public IReadOnlyDictionary<string, string> Last
    {
        get
        {
            lock (_headers)
            {
                return _headers.Count > 0 ? _headers[^1] : throw new InvalidOperationException("No response was recorded.");
            }
        }
    }

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        ProcessNext(message, pipeline, currentIndex);
        Record(message);
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        await ProcessNextAsync(message, pipeline, currentIndex);
        Record(message);
    }

    private void Record(PipelineMessage message)
    {
        if (message.Response is null)
        {
            return;
        }

        var headers = message.Response.Headers.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.OrdinalIgnoreCase);
        lock (_headers)
        {
            _headers.Add(headers);
        }
    }
}
