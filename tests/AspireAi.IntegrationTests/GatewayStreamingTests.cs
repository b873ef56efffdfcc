using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AspireAi.IntegrationTests.Infrastructure;

namespace AspireAi.IntegrationTests;

/// <summary>
/// Streams through the gateway from an emulator that misbehaves as real providers and proxies do.
/// Each fault is bound to a model name in the fixture's emulator settings.
/// </summary>
public class GatewayStreamingTests(AspireAiAppFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stream_KoreanAndEmojiSplitAcrossWrites_ArriveByteIdentical()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();
        const string prompt = "안녕하세요 세계 🌏🙂 한국어 👩‍💻 테스트";

        using var whole = await http.SendAsync(GatewayStreams.ChatRequest("fault-split-utf8", prompt, stream: false), Cancellation);
        var expected = (await whole.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        var streamed = await GatewayStreams.StreamAsync(http, "fault-split-utf8", prompt, Cancellation);

        Assert.Equal(HttpStatusCode.OK, streamed.Response.StatusCode);
        Assert.Contains("안녕하세요 세계 🌏🙂", expected, StringComparison.Ordinal);
        Assert.True(streamed.EndsWithDone);
        Assert.Equal(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(streamed.Text));
        Assert.DoesNotContain('\uFFFD', Encoding.UTF8.GetString(streamed.Bytes));
    }

    [Fact]
    public async Task Stream_PingCommentsAndCrLf_Completes()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();
        var prompt = "Keep-alive lines between chunks " + Guid.NewGuid();

        var streamed = await GatewayStreams.StreamAsync(http, "fault-ping", prompt, Cancellation);
        using var whole = await http.SendAsync(GatewayStreams.ChatRequest("fault-ping", prompt, stream: false), Cancellation);
        var expected = (await whole.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();

        Assert.Equal(HttpStatusCode.OK, streamed.Response.StatusCode);
        Assert.True(streamed.EndsWithDone);
        Assert.Equal(expected, streamed.Text);
        Assert.Contains(streamed.Chunks, chunk => chunk.TryGetProperty("usage", out _));
    }

    [Fact]
    public async Task Stream_ClientAbortsAfterFewChunks_LedgerHasDeliveredOutputTokens()
    {
        var reference = await fixture.CreateTenantAsync(Cancellation);
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var referenceHttp = reference.CreateHttpClient();
        using var http = tenant.CreateHttpClient();
        var prompt = "Abort me part way " + Guid.NewGuid();

        using var whole = await referenceHttp.SendAsync(GatewayStreams.ChatRequest("fault-slow", prompt, stream: false), Cancellation);
        var fullOutputTokens = (await whole.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("usage").GetProperty("completion_tokens").GetInt64();

        var contentChunks = 0;
        using (var request = GatewayStreams.ChatRequest("fault-slow", prompt, stream: true))
        using (var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancellation))
        await using (var body = await response.Content.ReadAsStreamAsync(Cancellation))
        using (var reader = new StreamReader(body, Encoding.UTF8))
        {
            while (contentChunks < 5 && await reader.ReadLineAsync(Cancellation) is { } line)
            {
                if (line.StartsWith("data: {", StringComparison.Ordinal) && line.Contains("\"content\":\"", StringComparison.Ordinal) && !line.Contains("\"content\":\"\"", StringComparison.Ordinal))
                {
                    contentChunks++;
                }
            }
        }

        var usage = await GatewayStreams.WaitForUsageAsync(http, 1, Cancellation);

        Assert.Equal(5, contentChunks);
        Assert.Equal(1, usage.GetProperty("requests").GetInt64());
        Assert.InRange(usage.GetProperty("output_tokens").GetInt64(), 3, fullOutputTokens - 1);
    }

    [Fact]
    public async Task Stream_LongStreamWithSteadyChunks_PassesShortIdleAndAttemptTimeouts()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();

        // The emulator sends an event every 0.25 s for several seconds; the model's idle and attempt
        // timeouts are 1 s each, so only a timeout that wrongly covers the whole stream would cut it.
        var streamed = await GatewayStreams.StreamAsync(http, "fault-long-stream", "A long and steady stream " + Guid.NewGuid(), Cancellation);

        Assert.Equal(HttpStatusCode.OK, streamed.Response.StatusCode);
        Assert.True(streamed.EndsWithDone);
        Assert.True(streamed.Chunks.Count() > 8);
        Assert.DoesNotContain(streamed.Chunks, chunk => chunk.TryGetProperty("error", out _));
    }

    [Fact]
    public async Task Stream_GapLongerThanIdleTimeout_EndsWithIdleTimeoutError()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();

        var streamed = await GatewayStreams.StreamAsync(http, "fault-stall", "Stall between chunks " + Guid.NewGuid(), Cancellation);
        var usage = await GatewayStreams.WaitForUsageAsync(http, 1, Cancellation);

        Assert.Equal(HttpStatusCode.OK, streamed.Response.StatusCode);
        Assert.False(streamed.EndsWithDone);
        var error = Assert.Single(streamed.Chunks, chunk => chunk.TryGetProperty("error", out _));
        Assert.Equal("upstream_idle_timeout", error.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(1, usage.GetProperty("requests").GetInt64());
    }

    [Fact]
    public async Task Stream_ConnectionDroppedMidStream_EndsWithErrorAndBillsDelivered()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();

        var streamed = await GatewayStreams.StreamAsync(http, "fault-drop", "Drop the connection " + Guid.NewGuid(), Cancellation);
        var usage = await GatewayStreams.WaitForUsageAsync(http, 1, Cancellation);

        Assert.False(streamed.EndsWithDone);
        var error = Assert.Single(streamed.Chunks, chunk => chunk.TryGetProperty("error", out _));
        Assert.Equal("upstream_stream_interrupted", error.GetProperty("error").GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(streamed.Text));
        Assert.Equal(1, usage.GetProperty("requests").GetInt64());
        Assert.True(usage.GetProperty("output_tokens").GetInt64() > 0);
    }

    [Fact]
    public async Task Stream_ProviderSendsNoUsage_GatewayCountsSameTokensAsWhole()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();
        var prompt = "Count my tokens yourself " + Guid.NewGuid();

        var streamed = await GatewayStreams.StreamAsync(http, "fault-no-usage", prompt, Cancellation);
        using var whole = await http.SendAsync(GatewayStreams.ChatRequest("fault-no-usage", prompt, stream: false), Cancellation);

        Assert.True(streamed.EndsWithDone);
        var usage = Assert.Single(streamed.Chunks, chunk => chunk.TryGetProperty("usage", out var value) && value.ValueKind == JsonValueKind.Object).GetProperty("usage");
        Assert.True(usage.GetProperty("completion_tokens").GetInt64() > 0);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        var ledger = await GatewayStreams.WaitForUsageAsync(http, 2, Cancellation);
        Assert.Equal(2 * usage.GetProperty("completion_tokens").GetInt64(), ledger.GetProperty("output_tokens").GetInt64());
        Assert.Equal(2 * usage.GetProperty("prompt_tokens").GetInt64(), ledger.GetProperty("input_tokens").GetInt64());
    }

    [Fact]
    public async Task Stream_ErrorInsideFirstEvent_Returns502()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();

        var streamed = await GatewayStreams.StreamAsync(http, "fault-error-in-body", "Error in a 200 stream " + Guid.NewGuid(), Cancellation);

        Assert.Equal(HttpStatusCode.BadGateway, streamed.Response.StatusCode);
        var body = JsonDocument.Parse(streamed.Bytes).RootElement;
        Assert.Equal("upstream_invalid_response", body.GetProperty("error").GetProperty("code").GetString());
    }
}
