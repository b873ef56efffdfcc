using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AspireAi.IntegrationTests.Infrastructure;

namespace AspireAi.IntegrationTests;

/// <summary>
/// Anthropic's Messages API on the gateway, and Anthropic as the gateway's provider. claude-sonnet-4
/// is served by the emulator's OpenAI route; claude-3-5-haiku by its Anthropic route.
/// </summary>
public class GatewayAnthropicTests(AspireAiAppFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("claude-sonnet-4")]
    [InlineData("claude-3-5-haiku")]
    public async Task Messages_XApiKey_ReturnsAnthropicMessageWithUsageAndCost(string model)
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = CreateAnthropicClient(tenant, bearer: false);

        using var response = await http.PostAsJsonAsync("/v1/messages", Body(model, "Name a river in Korea. " + Guid.NewGuid(), stream: false), Cancellation);
        var message = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal(model, message.GetProperty("model").GetString());
        Assert.Equal("end_turn", message.GetProperty("stop_reason").GetString());
        Assert.Contains("Emulated reply", message.GetProperty("content")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.True(message.GetProperty("usage").GetProperty("input_tokens").GetInt64() > 0);
        Assert.True(message.GetProperty("usage").GetProperty("output_tokens").GetInt64() > 0);
        Assert.True(decimal.Parse(response.Headers.GetValues("x-aspireai-cost").Single(), CultureInfo.InvariantCulture) > 0m);
    }

    [Fact]
    public async Task Messages_BearerKey_IsAccepted()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = CreateAnthropicClient(tenant, bearer: true);

        using var response = await http.PostAsJsonAsync("/v1/messages", Body("claude-sonnet-4", "Hello by bearer", stream: false), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("claude-sonnet-4")]
    [InlineData("claude-3-5-haiku")]
    public async Task Messages_Stream_SendsAnthropicEventsWithSameTextAsWhole(string model)
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = CreateAnthropicClient(tenant, bearer: false);
        var prompt = "Stream a short answer 🌊 " + Guid.NewGuid();

        using var streamedResponse = await http.PostAsJsonAsync("/v1/messages", Body(model, prompt, stream: true), Cancellation);
        var raw = await streamedResponse.Content.ReadAsStringAsync(Cancellation);
        using var whole = await http.PostAsJsonAsync("/v1/messages", Body(model, prompt, stream: false), Cancellation);
        var wholeText = (await whole.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("content")[0].GetProperty("text").GetString();

        var events = raw.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(block => block.Split('\n'))
            .Select(lines => (Type: lines[0]["event: ".Length..], Data: JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement))
            .ToList();
        Assert.Equal("text/event-stream", streamedResponse.Content.Headers.ContentType!.MediaType);
        Assert.Equal("message_start", events[0].Type);
        Assert.Equal("content_block_start", events[1].Type);
        Assert.Equal(["content_block_stop", "message_delta", "message_stop"], events[^3..].Select(item => item.Type));
        Assert.Equal("end_turn", events[^2].Data.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.True(events[^2].Data.GetProperty("usage").GetProperty("output_tokens").GetInt64() > 0);
        Assert.True(events[^2].Data.GetProperty("usage").GetProperty("input_tokens").GetInt64() > 0);
        var streamedText = string.Concat(events.Where(item => item.Type == "content_block_delta").Select(item => item.Data.GetProperty("delta").GetProperty("text").GetString()));
        Assert.Equal(wholeText, streamedText);
    }

    [Fact]
    public async Task Messages_WrongKey_Returns401InAnthropicShape()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = CreateAnthropicClient(tenant with { ApiKey = "aai_" + new string('y', 43) }, bearer: false);

        using var response = await http.PostAsJsonAsync("/v1/messages", Body("claude-sonnet-4", "Who am I?", stream: false), Cancellation);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("error", body.GetProperty("type").GetString());
        Assert.Equal("authentication_error", body.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Messages_MissingMaxTokens_Returns400InAnthropicShape()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = CreateAnthropicClient(tenant, bearer: false);

        using var response = await http.PostAsJsonAsync("/v1/messages", new { model = "claude-sonnet-4", messages = new[] { new { role = "user", content = "Hi" } } }, Cancellation);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", body.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("max_tokens", body.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChatCompletions_AnthropicDeployment_TranslatesBothWaysWithUsage()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();
        var prompt = "Through the Anthropic provider " + Guid.NewGuid();

        using var whole = await http.SendAsync(GatewayStreams.ChatRequest("claude-3-5-haiku", prompt, stream: false), Cancellation);
        var completion = await whole.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        var streamed = await GatewayStreams.StreamAsync(http, "claude-3-5-haiku", prompt, Cancellation);

        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("chat.completion", completion.GetProperty("object").GetString());
        Assert.Equal("stop", completion.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.True(completion.GetProperty("usage").GetProperty("completion_tokens").GetInt64() > 0);
        Assert.True(streamed.EndsWithDone);
        Assert.Equal(completion.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), streamed.Text);
        var usage = Assert.Single(streamed.Chunks, chunk => chunk.TryGetProperty("usage", out var value) && value.ValueKind == JsonValueKind.Object).GetProperty("usage");
        Assert.Equal(completion.GetProperty("usage").GetProperty("completion_tokens").GetInt64(), usage.GetProperty("completion_tokens").GetInt64());
        Assert.Equal(completion.GetProperty("usage").GetProperty("prompt_tokens").GetInt64(), usage.GetProperty("prompt_tokens").GetInt64());
    }

    private static HttpClient CreateAnthropicClient(TestTenant tenant, bool bearer)
    {
        var client = new HttpClient { BaseAddress = tenant.GatewayBaseAddress };
        if (bearer)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.ApiKey);
        }
        else
        {
            client.DefaultRequestHeaders.Add("x-api-key", tenant.ApiKey);
        }

        client.DefaultRequestHeaders.Add("anthropic-version", "2023-06-01");
        client.DefaultRequestHeaders.CacheControl = new CacheControlHeaderValue { NoCache = true, NoStore = true };
        return client;
    }

    private static object Body(string model, string prompt, bool stream) =>
        new { model, max_tokens = 300, stream, system = "Answer in one line.", messages = new[] { new { role = "user", content = prompt } } };
}
