using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using AspireAi.Billing.Tests.Infrastructure;
using AspireAi.Completion.Tests.Infrastructure;

namespace AspireAi.Completion.Tests.Gateway;

/// <summary>
/// Per-route timeouts through the gateway in front of the emulator. The chat completions and batch
/// routes have a total timeout of 1 second, shorter than the 2-second attempt timeout, and the
/// messages route has an idle timeout of 2 seconds, longer than the 0.2-second default.
/// </summary>
public sealed class RouteTimeoutTests(GarnetFixture garnet, PostgresServer postgres) : IAsyncLifetime
{
    private GatewayHost _host = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _host = await GatewayHost.StartAsync(
            garnet.Redis,
            postgres,
            new Dictionary<string, string?>
            {
                ["Faults:hang-once:Hang"] = "true",
                ["Faults:hang-once:FailedAttempts"] = "1",
                ["Faults:slow-stream:ChunkDelay"] = "00:00:00.400",
            },
            new Dictionary<string, string?>
            {
                ["Completion:Upstream:AttemptTimeout"] = "00:00:02",
                ["Completion:Upstream:TotalTimeout"] = "00:00:30",
                ["Completion:Upstream:IdleTimeout"] = "00:00:00.200",
                ["Completion:Routes:chat-completions:TotalTimeout"] = "00:00:01",
                ["Completion:Routes:batch:TotalTimeout"] = "00:00:01",
                ["Completion:Routes:messages:IdleTimeout"] = "00:00:02",
            },
            Cancellation);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ChatCompletions_HangingUpstream_Returns504()
    {
        using var response = await _host.Client.PostAsJsonAsync("v1/chat/completions", Chat("hang-once", "hang on chat completions"), Cancellation);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("upstream_timeout", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
        var usage = await _host.GetUsageSummaryAsync(Cancellation);
        Assert.Equal(0, usage.Total.Requests);
    }

    [Fact]
    public async Task Batch_HangingUpstream_ItemGets504()
    {
        var batch = new JsonObject { ["requests"] = new JsonArray(Chat("hang-once", "hang in a batch")) };

        using var response = await _host.Client.PostAsJsonAsync("v1/chat/batch", batch, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancellation))!["results"]![0]!;
        Assert.Equal(504, result["status"]!.GetValue<int>());
        Assert.Equal("upstream_timeout", result["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Messages_HangOnce_RetriesAndSucceeds()
    {
        var request = new JsonObject
        {
            ["model"] = "hang-once",
            ["max_tokens"] = 16,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hang on messages" }),
        };

        using var response = await _host.Client.PostAsJsonAsync("v1/messages", request, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancellation))!;
        Assert.Equal("message", message["type"]!.GetValue<string>());
        Assert.NotEmpty(message["content"]![0]!["text"]!.GetValue<string>());
        var usage = await _host.GetUsageSummaryAsync(Cancellation);
        Assert.Equal(1, usage.Total.Requests);
        Assert.Equal("hang-once", Assert.Single(usage.ByDayAndModel).Model);
    }

    [Fact]
    public async Task Messages_LongSlowStream_Completes()
    {
        // Events come every 0.4 s for about 4 s: past the route's 2-second idle timeout in total, and
        // each gap past the 0.2-second default, so only the route's setting lets the stream through.
        var request = new JsonObject
        {
            ["model"] = "slow-stream",
            ["max_tokens"] = 10,
            ["stream"] = true,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "a long healthy stream" }),
        };

        using var response = await _host.Client.PostAsJsonAsync("v1/messages", request, Cancellation);
        var events = await response.Content.ReadAsStringAsync(Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(CountOccurrences(events, "content_block_delta") >= 6, events);
        Assert.Contains("event: message_stop", events, StringComparison.Ordinal);
        Assert.DoesNotContain("upstream_idle_timeout", events, StringComparison.Ordinal);
        Assert.DoesNotContain("event: error", events, StringComparison.Ordinal);
    }

    private static JsonObject Chat(string model, string text) => new()
    {
        ["model"] = model,
        ["max_tokens"] = 16,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text }),
    };

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var index = text.IndexOf(value, StringComparison.Ordinal); index >= 0; index = text.IndexOf(value, index + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
