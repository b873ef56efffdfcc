using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.Completion.Chat;
using AspireAi.Completion.Providers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AspireAi.Completion.Tests.Providers;

/// <summary>Runs the router against a real HTTP server on the loopback interface whose responses each test scripts.</summary>
public sealed class ProviderRouterTests : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<HttpContext, Task>>> _scripts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _hits = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Path, string Query, string? ApiKey, string Body)> _requests = new();
    private WebApplication? _server;
    private Uri _baseUrl = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _server = builder.Build();
        _server.Run(async context =>
        {
            var path = context.Request.Path.Value!;
            using var reader = new StreamReader(context.Request.Body);
            _requests.Enqueue((path, context.Request.QueryString.Value ?? string.Empty, context.Request.Headers["api-key"].FirstOrDefault(), await reader.ReadToEndAsync()));
            _hits.AddOrUpdate(path, 1, (_, count) => count + 1);
            if (_scripts.TryGetValue(path, out var script) && script.TryDequeue(out var respond))
            {
                await respond(context);
                return;
            }

            await Ok(context);
        });
        await _server.StartAsync(Cancellation);
        _baseUrl = new Uri(_server.Urls.Single());
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public async Task SendAsync_Two503sThenSuccess_SucceedsOnThirdAttempt()
    {
        Script("/a/chat/completions", Status(503), Status(503));
        var router = CreateRouter(options => options.Providers["a"] = Provider("/a"), ("m", ["a"]));

        using var call = await router.SendAsync(Request("m"), stream: false, "req_1", Cancellation);

        Assert.Null(call.Failure);
        Assert.Equal(3, call.Attempts);
        Assert.Equal(HttpStatusCode.OK, call.Response!.StatusCode);
    }

    [Fact]
    public async Task SendAsync_429UntilRetriesRunOut_Returns429WithRetryAfter()
    {
        Script("/a/chat/completions", Status(429, retryAfter: 1), Status(429, retryAfter: 1));
        var router = CreateRouter(options => { options.Providers["a"] = Provider("/a"); options.Resilience.MaxRetries = 1; }, ("m", ["a"]));

        using var call = await router.SendAsync(Request("m"), stream: false, "req_1", Cancellation);

        Assert.Equal(2, call.Attempts);
        Assert.Equal(429, call.Failure!.StatusCode);
        Assert.Equal("1", call.Failure.Headers["Retry-After"]);
    }

    [Fact]
    public async Task SendAsync_RetryAfterAboveMaximum_MovesToNextDeploymentAtOnce()
    {
        Script("/a/chat/completions", Status(429, retryAfter: 120));
        Script("/b/chat/completions", Status(429, retryAfter: 120));
        var router = CreateRouter(options =>
        {
            options.Providers["a"] = Provider("/a");
            options.Providers["b"] = Provider("/b");
            options.Resilience.MaxRetryAfter = TimeSpan.FromSeconds(5);
        }, ("m", ["a", "b"]));

        using var call = await router.SendAsync(Request("m"), stream: false, "req_1", Cancellation);

        Assert.Equal(2, call.Attempts);
        Assert.Equal(429, call.Failure!.StatusCode);
        Assert.Equal("120", call.Failure.Headers["Retry-After"]);
    }

    [Fact]
    public async Task SendAsync_ModelFailing_FallsBackToNextModel()
    {
        Script("/a/chat/completions", Status(500), Status(500), Status(500));
        var router = CreateRouter(
            options =>
            {
                options.Providers["a"] = Provider("/a");
                options.Providers["b"] = Provider("/b");
                options.Models["m"].Fallbacks.Add("backup");
            },
            ("m", ["a"]),
            ("backup", ["b"]));

        using var call = await router.SendAsync(Request("m"), stream: false, "req_1", Cancellation);

        Assert.Null(call.Failure);
        Assert.Equal(4, call.Attempts);
        Assert.Equal("b", call.Deployment!.ProviderName);
        Assert.Equal("backup", JsonNode.Parse(_requests.Last().Body)!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task SendAsync_ClientError_IsNotRetriedAndPassesProviderBody()
    {
        Script("/a/chat/completions", Status(400));
        var router = CreateRouter(options => options.Providers["a"] = Provider("/a"), ("m", ["a"]));

        using var call = await router.SendAsync(Request("m"), stream: false, "req_1", Cancellation);

        Assert.Equal(1, call.Attempts);
        Assert.Equal(400, call.Failure!.StatusCode);
        Assert.Contains("status 400", call.Failure.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_CircuitOpen_SkipsDeployment()
    {
        Script("/a/chat/completions", Status(500), Status(500), Status(500));
        var router = CreateRouter(options =>
        {
            options.Providers["a"] = Provider("/a");
            options.Resilience.MaxRetries = 0;
            options.Resilience.CircuitBreakerFailures = 2;
        }, ("m", ["a"]));

        using var first = await router.SendAsync(Request("m"), stream: false, "req_1", Cancellation);
        using var second = await router.SendAsync(Request("m"), stream: false, "req_2", Cancellation);
        using var third = await router.SendAsync(Request("m"), stream: false, "req_3", Cancellation);

        Assert.Equal(502, first.Failure!.StatusCode);
        Assert.Equal(502, second.Failure!.StatusCode);
        Assert.Equal(0, third.Attempts);
        Assert.Contains("upstream_circuit_open", third.Failure!.Body, StringComparison.Ordinal);
        Assert.True(third.Failure.Headers.ContainsKey("Retry-After"));
        Assert.Equal(2, _hits["/a/chat/completions"]);
    }

    [Fact]
    public async Task SendAsync_NoHeadersWithinAttemptTimeout_Returns504()
    {
        Script("/a/chat/completions", async context => await Task.Delay(TimeSpan.FromSeconds(5), context.RequestAborted));
        var router = CreateRouter(options =>
        {
            options.Providers["a"] = Provider("/a");
            options.Resilience.MaxRetries = 0;
            options.Models["m"].AttemptTimeout = TimeSpan.FromMilliseconds(200);
        }, ("m", ["a"]));

        using var call = await router.SendAsync(Request("m"), stream: false, "req_1", Cancellation);

        Assert.Equal(504, call.Failure!.StatusCode);
        Assert.Contains("upstream_timeout", call.Failure.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_ServerUnreachable_Returns502()
    {
        var closedPort = new Uri($"http://127.0.0.1:{GetClosedPort()}/v1");
        var router = CreateRouter(options =>
        {
            options.Providers["a"] = new ProviderEndpointOptions { Kind = ProviderKind.OpenAI, BaseUrl = closedPort };
            options.Resilience.MaxRetries = 0;
        }, ("m", ["a"]));

        using var call = await router.SendAsync(Request("m"), stream: false, "req_1", Cancellation);

        Assert.Equal(502, call.Failure!.StatusCode);
        Assert.Contains("upstream_unreachable", call.Failure.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_AzureDeployment_SendsDeploymentPathApiVersionAndKey()
    {
        var router = CreateRouter(options => options.Providers["azure"] = new ProviderEndpointOptions
        {
            Kind = ProviderKind.AzureOpenAI,
            BaseUrl = new Uri(_baseUrl, "/az"),
            ApiKey = "azure-secret",
            ApiVersion = "2024-10-21",
        }, ("m", ["azure"]));

        using var call = await router.SendAsync(Request("m"), stream: false, "req_1", Cancellation);

        Assert.Null(call.Failure);
        var request = Assert.Single(_requests);
        Assert.Equal("/az/openai/deployments/m/chat/completions", request.Path);
        Assert.Equal("?api-version=2024-10-21", request.Query);
        Assert.Equal("azure-secret", request.ApiKey);
    }

    private ProviderRouter CreateRouter(Action<CompletionOptions> configure, params (string Model, string[] Providers)[] models)
    {
        var options = new CompletionOptions
        {
            Upstream = new UpstreamOptions { Provider = "unused", BaseUrl = _baseUrl, AttemptTimeout = TimeSpan.FromSeconds(10), TotalTimeout = TimeSpan.FromSeconds(30) },
            Resilience = { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50) },
        };
        foreach (var (model, providers) in models)
        {
            options.Models[model] = new ModelPolicyOptions
            {
                Deployments = providers.Select(provider => new ModelDeploymentOptions { Provider = provider }).ToList(),
            };
        }

        configure(options);
        var services = new ServiceCollection();
        services.AddHttpClient(ProviderRouter.HttpClientName);
        var clients = services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
        var wrapped = Options.Create(options);
        return new ProviderRouter(clients, new ProviderCatalog(wrapped), new CircuitBreaker(wrapped, TimeProvider.System), wrapped, TimeProvider.System, NullLogger<ProviderRouter>.Instance);
    }

    private ProviderEndpointOptions Provider(string path) =>
        new() { Kind = ProviderKind.OpenAICompatible, BaseUrl = new Uri(_baseUrl, path) };

    private void Script(string path, params Func<HttpContext, Task>[] responses) =>
        _scripts[path] = new ConcurrentQueue<Func<HttpContext, Task>>(responses);

    private static Func<HttpContext, Task> Status(int status, int? retryAfter = null) => async context =>
    {
        context.Response.StatusCode = status;
        if (retryAfter is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await context.Response.WriteAsJsonAsync(new { error = new { message = $"Scripted status {status}.", type = "scripted" } });
    };

    private static async Task Ok(HttpContext context)
    {
        using var completion = JsonDocument.Parse("""{"id":"c","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}""");
        await context.Response.WriteAsJsonAsync(completion.RootElement);
    }

    private static ChatRequest Request(string model)
    {
        var body = new JsonObject { ["model"] = model, ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hi" }) };
        return new ChatRequest(body, model, Stream: false, IncludeUsage: false);
    }

    private static int GetClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
