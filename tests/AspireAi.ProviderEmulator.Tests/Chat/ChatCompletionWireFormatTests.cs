using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AspireAi.ProviderEmulator.Tests.Chat;

public sealed class ChatCompletionWireFormatTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    private const string Route = "/v1/chat/completions";

    [Fact]
    public async Task Stream_IncludeUsage_EndsWithUsageThenDone()
    {
        using var client = factory.CreateAuthorizedClient();

        var (contentType, events) = await PostStreamAsync(client, includeUsage: true);

        Assert.Equal("text/event-stream", contentType);
        Assert.Equal("[DONE]", events[^1]);
        Assert.Single(events, data => data == "[DONE]");
        var chunks = events[..^1].Select(data => JsonDocument.Parse(data).RootElement).ToList();
        Assert.All(chunks, chunk => Assert.Equal("chat.completion.chunk", chunk.GetProperty("object").GetString()));
        Assert.Single(chunks.Select(chunk => chunk.GetProperty("id").GetString()).Distinct());
        Assert.Single(chunks.Select(chunk => chunk.GetProperty("created").GetInt64()).Distinct());
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var usageChunk = chunks[^1];
        Assert.Equal(JsonValueKind.Array, usageChunk.GetProperty("choices").ValueKind);
        Assert.Empty(usageChunk.GetProperty("choices").EnumerateArray());
        Assert.True(usageChunk.GetProperty("usage").GetProperty("completion_tokens").GetInt32() > 0);
        Assert.Equal(0, usageChunk.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt32());
        Assert.Equal(0, usageChunk.GetProperty("usage").GetProperty("completion_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Single(chunks, chunk => chunk.TryGetProperty("usage", out _));
        var finishChunk = chunks[^2].GetProperty("choices")[0];
        Assert.Equal("stop", finishChunk.GetProperty("finish_reason").GetString());
        Assert.Empty(finishChunk.GetProperty("delta").EnumerateObject());
    }

    [Fact]
    public async Task Stream_WithoutIncludeUsage_SendsNoUsageChunk()
    {
        using var client = factory.CreateAuthorizedClient();

        var (_, events) = await PostStreamAsync(client, includeUsage: false);

        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(data => JsonDocument.Parse(data).RootElement).ToList();
        Assert.DoesNotContain(chunks, chunk => chunk.TryGetProperty("usage", out _));
        Assert.All(chunks, chunk => Assert.Equal(1, chunk.GetProperty("choices").GetArrayLength()));
    }

    [Fact]
    public async Task Stream_NonAsciiText_WrittenAsUtf8()
    {
        using var client = factory.CreateAuthorizedClient();
        var body = new { model = "gpt-4o-mini", stream = true, messages = new[] { new { role = "user", content = "Say café — naïve" } } };

        using var response = await client.PostAsJsonAsync(Route, body, TestContext.Current.CancellationToken);
        var raw = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));

        Assert.Contains("é", raw, StringComparison.Ordinal);
        Assert.Contains("—", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u00E9", raw, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\\u2014", raw, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Post_MissingMessages_Returns400InOpenAiShape()
    {
        using var client = factory.CreateAuthorizedClient();

        using var response = await client.PostAsJsonAsync(Route, new { model = "gpt-4o-mini" }, TestContext.Current.CancellationToken);
        var error = await ReadErrorAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("messages", error.GetProperty("param").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("code").ValueKind);
        Assert.Contains("messages", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_UnknownModel_Returns404ModelNotFound()
    {
        using var client = factory.CreateAuthorizedClient();
        var body = new { model = "gpt-unknown", messages = new[] { new { role = "user", content = "Hi" } } };

        using var response = await client.PostAsJsonAsync(Route, body, TestContext.Current.CancellationToken);
        var error = await ReadErrorAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("model", error.GetProperty("param").GetString());
        Assert.Contains("gpt-unknown", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"model\":\"gpt-4o-mini\",", null)]
    [InlineData("", null)]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"n\":\"2\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "n")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"n\":9,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "n")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "max_tokens")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"temperature\":3,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "temperature")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"],\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "stop")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "stream_options")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"robot\",\"content\":\"Hi\"}]}", "messages[0].role")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\"}]}", "messages[0].content")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AAAA\",\"format\":\"wav\"}}]}]}", "messages[0].content[0].type")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]}", "messages[0].content[0].image_url.url")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}", "model")]
    public async Task Post_InvalidBody_Returns400NamingTheField(string json, string? expectedParam)
    {
        using var client = factory.CreateAuthorizedClient();
        using var content = new StringContent(json, Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(Route, content, TestContext.Current.CancellationToken);
        var error = await ReadErrorAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(expectedParam, error.GetProperty("param").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task Post_UnknownFields_AreIgnored()
    {
        using var client = factory.CreateAuthorizedClient();
        const string Json = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"vendor_extension\":{\"a\":1},\"seed\":7,\"top_p\":0.5,\"user\":\"u1\"}";
        using var content = new StringContent(Json, Encoding.UTF8, "application/json");

        using var response = await client.PostAsync(Route, content, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<(string? ContentType, List<string> Events)> PostStreamAsync(HttpClient client, bool includeUsage)
    {
        var body = new
        {
            model = "gpt-4o-mini",
            stream = true,
            stream_options = new { include_usage = includeUsage },
            messages = new[] { new { role = "user", content = "Stream something" } },
        };

        using var response = await client.PostAsJsonAsync(Route, body, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var raw = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        // Every event is one "data: ..." line followed by a blank line.
        var blocks = raw.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(blocks, block => Assert.StartsWith("data: ", block, StringComparison.Ordinal));
        Assert.EndsWith("\n\n", raw, StringComparison.Ordinal);
        return (response.Content.Headers.ContentType?.MediaType, blocks.Select(block => block["data: ".Length..]).ToList());
    }

    private static async Task<JsonElement> ReadErrorAsync(HttpResponseMessage response)
    {
        var json = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return JsonDocument.Parse(json).RootElement.GetProperty("error");
    }
}
