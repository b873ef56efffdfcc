using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AspireAi.Billing.Tests.Infrastructure;
using AspireAi.Completion.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AspireAi.Completion.Tests.Gateway;

/// <summary>
/// Provider embeddings through the model catalog, with the emulator as two upstreams: an Azure
/// OpenAI deployment and an OpenAI-compatible server. A third upstream, started here, always returns 503.
/// </summary>
public sealed class ProviderEmbeddingsTests(GarnetFixture garnet, PostgresServer postgres) : IAsyncLifetime
{
    private WebApplication _failing = null!;
    private int _failingHits;
    private GatewayHost _host = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _failing = builder.Build();
        _failing.Run(context =>
        {
            Interlocked.Increment(ref _failingHits);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return context.Response.WriteAsJsonAsync(new { error = new { message = "overloaded", type = "server_error" } });
        });
        await _failing.StartAsync(Cancellation);

        _host = await GatewayHost.StartAsync(
            garnet.Redis,
            postgres,
            new Dictionary<string, string?> { ["ApiKey"] = "emulator-key" },
            new Dictionary<string, string?>
            {
                ["Completion:Providers:azure-emulator:Kind"] = "AzureOpenAI",
                ["Completion:Providers:azure-emulator:BaseUrl"] = "{emulator}",
                ["Completion:Providers:azure-emulator:ApiKey"] = "emulator-key",
                ["Completion:Providers:azure-emulator:ApiVersion"] = "2024-10-21",
                ["Completion:Providers:compatible-emulator:Kind"] = "OpenAICompatible",
                ["Completion:Providers:compatible-emulator:BaseUrl"] = "{emulator}/v1",
                ["Completion:Providers:compatible-emulator:ApiKey"] = "emulator-key",
                ["Completion:Providers:failing:Kind"] = "OpenAICompatible",
                ["Completion:Providers:failing:BaseUrl"] = _failing.Urls.Single() + "/v1",
                ["Completion:Aliases:embed"] = "text-embedding-3-small",
                ["Completion:Models:text-embedding-3-small:Deployments:0:Provider"] = "azure-emulator",
                ["Completion:Models:text-embedding-3-small:Deployments:0:Model"] = "text-embedding-3-small",
                ["Completion:Models:text-embedding-3-large:Deployments:0:Provider"] = "failing",
                ["Completion:Models:text-embedding-3-large:Fallbacks:0"] = "large-backup",
                ["Completion:Models:large-backup:Deployments:0:Provider"] = "compatible-emulator",
                ["Completion:Models:large-backup:Deployments:0:Model"] = "text-embedding-3-large",
            },
            Cancellation);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _failing.DisposeAsync();
    }

    [Fact]
    public async Task Embeddings_AzureAlias_UsesDeploymentUrl()
    {
        var request = new JsonObject { ["model"] = "embed", ["input"] = new JsonArray("first text", "second text") };

        using var response = await _host.Client.PostAsJsonAsync("v1/embeddings", request, Cancellation);

        var content = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(content)!;
        Assert.Equal(2, body["data"]!.AsArray().Count);
        Assert.Equal("text-embedding-3-small", body["model"]!.GetValue<string>());
        Assert.Equal("text-embedding-3-small", Assert.Single(response.Headers.GetValues("x-aspireai-model")));
        var row = Assert.Single(await _host.ReadLedgerAsync(Cancellation));
        Assert.Equal(Assert.Single(response.Headers.GetValues("x-request-id")), row.RequestId);
        Assert.Equal("azure-emulator", row.Provider);
        Assert.Equal("text-embedding-3-small", row.Model);
        Assert.Equal(body["usage"]!["prompt_tokens"]!.GetValue<long>(), row.InputTokens);
        Assert.Equal(0, row.OutputTokens);

        // The seeded catalog prices text-embedding-3-small at $0.02 per million input tokens under provider openai.
        // Billing uses that price because no price names the azure-emulator provider.
        var usage = await _host.GetUsageSummaryAsync(Cancellation);
        Assert.Equal(1, usage.Total.Requests);
        Assert.Equal(0, usage.Total.UnpricedRequests);
        Assert.Equal(row.InputTokens * 0.02m / 1_000_000m, usage.Total.Cost);
    }

    [Fact]
    public async Task Embeddings_FailingDeployment_FallsBack()
    {
        var request = new JsonObject { ["model"] = "text-embedding-3-large", ["input"] = "a text for the fallback" };

        using var response = await _host.Client.PostAsJsonAsync("v1/embeddings", request, Cancellation);

        var content = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text-embedding-3-large", JsonNode.Parse(content)!["model"]!.GetValue<string>());
        Assert.Equal(3, Volatile.Read(ref _failingHits));
        var row = Assert.Single(await _host.ReadLedgerAsync(Cancellation));
        Assert.Equal("compatible-emulator", row.Provider);
        Assert.Equal("text-embedding-3-large", row.Model);
        Assert.True(row.InputTokens > 0);
    }

    [Fact]
    public async Task Embeddings_NoInput_Returns400()
    {
        var request = new JsonObject { ["model"] = "embed", ["input"] = new JsonArray() };

        using var response = await _host.Client.PostAsJsonAsync("v1/embeddings", request, Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancellation))!["error"]!;
        Assert.Equal("input", error["param"]!.GetValue<string>());
        var usage = await _host.GetUsageSummaryAsync(Cancellation);
        Assert.Equal(0, usage.Total.Requests);
    }
}
