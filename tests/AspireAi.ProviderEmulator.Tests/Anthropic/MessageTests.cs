using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AspireAi.ProviderEmulator.Faults;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AspireAi.ProviderEmulator.Tests.Anthropic;

public sealed class MessageTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    private const string Route = "/v1/messages";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateMessage_WithXApiKey_ReturnsMessageWithUsage()
    {
        using var client = CreateClient();

        using var response = await client.PostAsJsonAsync(Route, Body(stream: false), Cancellation);
        var message = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.StartsWith("msg_", message.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("end_turn", message.GetProperty("stop_reason").GetString());
        Assert.Contains("Emulated reply", message.GetProperty("content")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.True(message.GetProperty("usage").GetProperty("input_tokens").GetInt32() > 0);
        Assert.True(message.GetProperty("usage").GetProperty("output_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task CreateMessage_SystemPrompt_ChangesReply()
    {
        using var client = CreateClient();

        using var plain = await client.PostAsJsonAsync(Route, Body(stream: false), Cancellation);
        using var withSystem = await client.PostAsJsonAsync(Route, Body(stream: false, system: "Answer as a pirate."), Cancellation);

        Assert.NotEqual(await TextOfAsync(plain), await TextOfAsync(withSystem));
    }

    [Fact]
    public async Task CreateMessage_Stream_SendsAnthropicEventsInOrder()
    {
        using var client = CreateClient();

        using var response = await client.PostAsJsonAsync(Route, Body(stream: true), Cancellation);
        var raw = await response.Content.ReadAsStringAsync(Cancellation);
        var events = raw.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(block => block.Split('\n'))
            .Select(lines => (Type: lines[0]["event: ".Length..], Data: JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement))
            .ToList();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("message_start", events[0].Type);
        Assert.Equal("content_block_start", events[1].Type);
        Assert.Equal("message_stop", events[^1].Type);
        Assert.Equal("message_delta", events[^2].Type);
        Assert.Equal("content_block_stop", events[^3].Type);
        Assert.Equal("end_turn", events[^2].Data.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.True(events[^2].Data.GetProperty("usage").GetProperty("output_tokens").GetInt32() > 0);
        Assert.All(events, item => Assert.Equal(item.Type, item.Data.GetProperty("type").GetString()));
        var streamed = string.Concat(events.Where(item => item.Type == "content_block_delta").Select(item => item.Data.GetProperty("delta").GetProperty("text").GetString()));
        using var whole = await client.PostAsJsonAsync(Route, Body(stream: false), Cancellation);
        Assert.Equal(await TextOfAsync(whole), streamed);
    }

    [Fact]
    public async Task CreateMessage_NoKey_Returns401InAnthropicShape()
    {
        using var client = factory.CreateClient();

        using var response = await client.PostAsJsonAsync(Route, Body(stream: false), Cancellation);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("error", body.GetProperty("type").GetString());
        Assert.Equal("authentication_error", body.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task CreateMessage_MissingMaxTokens_Returns400NamingField()
    {
        using var client = CreateClient();

        using var response = await client.PostAsJsonAsync(Route, new { model = "claude-sonnet-4", messages = new[] { new { role = "user", content = "Hi" } } }, Cancellation);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("max_tokens", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateMessage_Fault429_ReturnsRateLimitErrorWithRetryAfter()
    {
        using var client = CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Route) { Content = JsonContent.Create(Body(stream: false)) };
        request.Headers.Add(EmulatedFault.HeaderName, "status=429; retry-after=3");

        using var response = await client.SendAsync(request, Cancellation);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
        Assert.Equal("rate_limit_error", body.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task CreateMessage_StreamWithPings_HasCommentLines()
    {
        using var client = CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, Route) { Content = JsonContent.Create(Body(stream: true)) };
        request.Headers.Add(EmulatedFault.HeaderName, "comments");

        using var response = await client.SendAsync(request, Cancellation);
        var raw = await response.Content.ReadAsStringAsync(Cancellation);

        Assert.Contains(": ping\n\nevent: message_start\n", raw, StringComparison.Ordinal);
        Assert.EndsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", raw, StringComparison.Ordinal);
    }

    private HttpClient CreateClient()
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("x-api-key", EmulatorClients.AnyKey);
        client.DefaultRequestHeaders.Add("anthropic-version", "2023-06-01");
        return client;
    }

    private static object Body(bool stream, string? system = null) => system is null
        ? new { model = "claude-sonnet-4", max_tokens = 256, stream, messages = new[] { new { role = "user", content = "Tell me about rivers." } } }
        : new { model = "claude-sonnet-4", max_tokens = 256, stream, system, messages = new[] { new { role = "user", content = "Tell me about rivers." } } };

    private static async Task<string> TextOfAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("content")[0].GetProperty("text").GetString()!;
}
