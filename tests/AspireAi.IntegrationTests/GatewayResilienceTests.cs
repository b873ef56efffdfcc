using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspireAi.IntegrationTests.Infrastructure;

namespace AspireAi.IntegrationTests;

/// <summary>Provider failures through the gateway: retries, Retry-After, fallbacks, aliases and the error shapes clients see.</summary>
public class GatewayResilienceTests(AspireAiAppFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Chat_Two503sThenSuccess_SucceedsWithOneLedgerRow(bool stream)
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();
        var prompt = "Fail twice, then answer " + Guid.NewGuid();

        HttpStatusCode status;
        if (stream)
        {
            var streamed = await GatewayStreams.StreamAsync(http, "fault-503x2", prompt, Cancellation);
            status = streamed.Response.StatusCode;
            Assert.True(streamed.EndsWithDone);
        }
        else
        {
            using var response = await http.SendAsync(GatewayStreams.ChatRequest("fault-503x2", prompt, stream: false), Cancellation);
            status = response.StatusCode;
        }

        var usage = await GatewayStreams.WaitForUsageAsync(http, 1, Cancellation);
        await Task.Delay(TimeSpan.FromSeconds(1), Cancellation);
        var settled = await GatewayStreams.WaitForUsageAsync(http, 1, Cancellation);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, usage.GetProperty("requests").GetInt64());
        Assert.Equal(1, settled.GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task Chat_Upstream429WithRetryAfter_Returns429WithRetryAfterNever500()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();

        using var response = await http.SendAsync(GatewayStreams.ChatRequest("fault-429", "Rate limit me " + Guid.NewGuid(), stream: false), Cancellation);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        Assert.Equal("upstream_rate_limited", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("provider", response.Headers.GetValues("x-aspireai-error-source").Single());
    }

    [Fact]
    public async Task Stream_Upstream429WithRetryAfter_Returns429BeforeAnyEvent()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();

        var streamed = await GatewayStreams.StreamAsync(http, "fault-429", "Rate limit my stream " + Guid.NewGuid(), Cancellation);

        Assert.Equal(HttpStatusCode.TooManyRequests, streamed.Response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), streamed.Response.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Chat_Upstream500_Returns502InOpenAiShape()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();

        using var response = await http.SendAsync(GatewayStreams.ChatRequest("fault-500", "Fail hard " + Guid.NewGuid(), stream: false), Cancellation);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_server_error", error.GetProperty("code").GetString());
        Assert.Equal("upstream_error", error.GetProperty("type").GetString());
        Assert.Contains("500", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_ErrorInside200Body_Returns502()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();

        using var response = await http.SendAsync(GatewayStreams.ChatRequest("fault-error-in-body", "Error in a 200 body " + Guid.NewGuid(), stream: false), Cancellation);
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_invalid_response", error.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Chat_ModelFailsWithFallback_AnsweredByFallbackModel()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();

        using var response = await http.SendAsync(GatewayStreams.ChatRequest("fault-500-fallback", "Fall back please " + Guid.NewGuid(), stream: false), Cancellation);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gpt-4o-mini", body.GetProperty("model").GetString());
        Assert.Equal("gpt-4o-mini", response.Headers.GetValues("x-aspireai-model").Single());
    }

    [Fact]
    public async Task Chat_Alias_ServedByTargetModel()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();

        using var response = await http.SendAsync(GatewayStreams.ChatRequest("fast", "Which model am I? " + Guid.NewGuid(), stream: false), Cancellation);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gpt-4o-mini", body.GetProperty("model").GetString());
    }
}
