using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using AspireAi.ProviderEmulator.Faults;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AspireAi.ProviderEmulator.Tests.Faults;

public sealed class FaultInjectionTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    private const string Route = "/v1/chat/completions";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Chat_Status503WithRetryAfter_Returns503AndHeader()
    {
        using var client = factory.CreateAuthorizedClient();

        using var response = await PostAsync(client, "status=503; retry-after=2", stream: false);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal("server_error", body.GetProperty("error").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Chat_Status429_ReturnsRateLimitCode()
    {
        using var client = factory.CreateAuthorizedClient();

        using var response = await PostAsync(client, "status=429; retry-after=1", stream: false);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal("rate_limit_exceeded", body.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Chat_TwoFailedAttempts_ThirdAttemptSucceeds()
    {
        using var client = factory.CreateAuthorizedClient();
        var prompt = "Retry me " + Guid.NewGuid();

        using var first = await PostAsync(client, "status=503; failed-attempts=2", stream: false, prompt);
        using var second = await PostAsync(client, "status=503; failed-attempts=2", stream: false, prompt);
        using var third = await PostAsync(client, "status=503; failed-attempts=2", stream: false, prompt);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
    }

    [Fact]
    public async Task Chat_ErrorInBody_Returns200WithError()
    {
        using var client = factory.CreateAuthorizedClient();

        using var response = await PostAsync(client, "error-in-body", stream: false);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.True(body.TryGetProperty("error", out _));
        Assert.False(body.TryGetProperty("choices", out _));
    }

    [Fact]
    public async Task Chat_OmitUsage_BodyHasNoUsage()
    {
        using var client = factory.CreateAuthorizedClient();

        using var response = await PostAsync(client, "omit-usage", stream: false);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.False(body.TryGetProperty("usage", out _));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()));
    }

    [Fact]
    public async Task Stream_CommentsAndCrLf_StillParsesToSameText()
    {
        using var client = factory.CreateAuthorizedClient();
        var prompt = "Comments between chunks " + Guid.NewGuid();

        using var plain = await PostAsync(client, null, stream: true, prompt);
        using var shaped = await PostAsync(client, "comments; crlf", stream: true, prompt);
        var raw = await shaped.Content.ReadAsStringAsync(Cancellation);

        Assert.Contains(": ping\r\n\r\n", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("\n\n", raw.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(await ReadStreamTextAsync(plain), TextOf(ParseEvents(raw)));
        Assert.Equal("[DONE]", ParseEvents(raw)[^1]);
    }

    [Fact]
    public async Task Stream_OmitUsage_SendsNoUsageChunkThoughAsked()
    {
        using var client = factory.CreateAuthorizedClient();

        using var response = await PostAsync(client, "omit-usage", stream: true);
        var events = ParseEvents(await response.Content.ReadAsStringAsync(Cancellation));

        Assert.Equal("[DONE]", events[^1]);
        Assert.DoesNotContain(events[..^1], data => JsonDocument.Parse(data).RootElement.TryGetProperty("usage", out _));
    }

    [Fact]
    public async Task Stream_ErrorInBody_SendsErrorEventWithoutDone()
    {
        using var client = factory.CreateAuthorizedClient();

        using var response = await PostAsync(client, "error-in-body", stream: true);
        var events = ParseEvents(await response.Content.ReadAsStringAsync(Cancellation));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var only = Assert.Single(events);
        Assert.True(JsonDocument.Parse(only).RootElement.TryGetProperty("error", out _));
    }

    [Fact]
    public async Task Stream_DropAfterThreeChunks_EndsWithoutDone()
    {
        using var client = factory.CreateAuthorizedClient();

        using var response = await PostAsync(client, "drop-after=3", stream: true);

        var received = new StringBuilder();
        var exception = await Record.ExceptionAsync(async () =>
        {
            await using var body = await response.Content.ReadAsStreamAsync(Cancellation);
            using var reader = new StreamReader(body, Encoding.UTF8);
            while (await reader.ReadLineAsync(Cancellation) is { } line)
            {
                received.Append(line).Append('\n');
            }
        });

        // The in-memory test server discards events that were written but not yet read when the
        // connection is aborted, so only the upper bound is exact here; the gateway's tests see them over TCP.
        var events = ParseEvents(received.ToString());
        Assert.NotNull(exception);
        Assert.InRange(events.Count, 0, 3);
        Assert.DoesNotContain("[DONE]", events);
    }

    [Fact]
    public async Task Chat_Hang_SendsNothingUntilClientGivesUp()
    {
        using var client = factory.CreateAuthorizedClient();
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);

        var send = PostAsync(client, "hang", stream: false, cancellationToken: giveUp.Token);
        await Task.Delay(TimeSpan.FromMilliseconds(300), Cancellation);
        var answeredBeforeGivingUp = send.IsCompleted;
        await giveUp.CancelAsync();
        await Record.ExceptionAsync(() => send);

        Assert.False(answeredBeforeGivingUp);
    }

    [Fact]
    public async Task Chat_InvalidFaultHeader_Returns400NamingSetting()
    {
        using var client = factory.CreateAuthorizedClient();

        using var response = await PostAsync(client, "status=abc", stream: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("error").GetProperty("message").GetString();
        Assert.Contains("x-emulator-fault", message, StringComparison.Ordinal);
        Assert.Contains("'status'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_FaultConfiguredForModel_ServesModelAndFails()
    {
        using var configured = factory.WithWebHostBuilder(builder => builder
            .UseSetting("ProviderEmulator:Faults:flaky-model:StatusCode", "500"));
        using var client = configured.CreateAuthorizedClient();

        using var models = await client.GetAsync("/v1/models/flaky-model", Cancellation);
        using var response = await PostAsync(client, null, stream: false, model: "flaky-model");
        using var other = await PostAsync(client, null, stream: false);

        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task EventStream_SplitUtf8_CutsEveryMultibyteCharacterAcrossWrites()
    {
        const string text = "한국어 🙂 café";
        var recorder = new WriteRecorder();
        var context = new DefaultHttpContext();
        context.Response.Body = recorder;
        var stream = new EmulatedEventStream(Events(text), new EmulatedFault { SplitUtf8 = true }, failsThisAttempt: false, TimeProvider.System);

        await stream.ExecuteAsync(context);

        Assert.Equal($"data: {text}\n\n", Encoding.UTF8.GetString(recorder.Bytes));
        Assert.True(recorder.Writes.Count > 1);
        Assert.Contains(recorder.Writes, write => !IsValidUtf8(write));
        Assert.All(recorder.Writes[..^1], write => Assert.True(write[^1] >= 0xC0));
    }

    [Fact]
    public void TryParse_AllSettings_ReadsEach()
    {
        var valid = EmulatedFault.TryParse(
            "status=429; retry-after=2; failed-attempts=3; hang; chunk-delay-ms=250; drop-after=4; error-in-body; comments; crlf; split-utf8; omit-usage",
            out var fault,
            out var error);

        Assert.True(valid, error);
        Assert.Equal(429, fault!.StatusCode);
        Assert.Equal(2, fault.RetryAfterSeconds);
        Assert.Equal(3, fault.FailedAttempts);
        Assert.True(fault.Hang);
        Assert.Equal(TimeSpan.FromMilliseconds(250), fault.ChunkDelay);
        Assert.Equal(4, fault.DropAfterChunks);
        Assert.True(fault.ErrorInBody);
        Assert.True(fault.Comments);
        Assert.True(fault.CrLf);
        Assert.True(fault.SplitUtf8);
        Assert.True(fault.OmitUsage);
    }

    [Theory]
    [InlineData("status", "'status'")]
    [InlineData("status=200", "'status'")]
    [InlineData("hang=yes", "'hang'")]
    [InlineData("explode", "'explode'")]
    public void TryParse_InvalidSetting_NamesIt(string header, string named)
    {
        var valid = EmulatedFault.TryParse(header, out var fault, out var error);

        Assert.False(valid);
        Assert.Null(fault);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> PostAsync(
        HttpClient client, string? fault, bool stream, string prompt = "Hello there", string model = "gpt-4o-mini", CancellationToken? cancellationToken = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Route);
        object body = stream
            ? new { model, stream, stream_options = new { include_usage = true }, messages = new[] { new { role = "user", content = prompt } } }
            : new { model, messages = new[] { new { role = "user", content = prompt } } };
        request.Content = JsonContent.Create(body);
        if (fault is not null)
        {
            request.Headers.Add(EmulatedFault.HeaderName, fault);
        }

        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken ?? Cancellation);
    }

    private static async Task<string> ReadStreamTextAsync(HttpResponseMessage response) =>
        TextOf(ParseEvents(await response.Content.ReadAsStringAsync(Cancellation)));

    private static List<string> ParseEvents(string raw) =>
        raw.Replace("\r\n", "\n", StringComparison.Ordinal)
            .Split('\n')
            .Where(line => line.StartsWith("data: ", StringComparison.Ordinal))
            .Select(line => line["data: ".Length..])
            .ToList();

    private static string TextOf(List<string> events) => string.Concat(events
        .Where(data => data != "[DONE]")
        .Select(data => JsonDocument.Parse(data).RootElement)
        .SelectMany(chunk => chunk.GetProperty("choices").EnumerateArray())
        .Select(choice => choice.GetProperty("delta").TryGetProperty("content", out var content) ? content.GetString() : null));

    private static bool IsValidUtf8(byte[] bytes)
    {
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static async IAsyncEnumerable<SseItem<string>> Events(string data)
    {
        await Task.CompletedTask;
        yield return new SseItem<string>(data);
    }

    /// <summary>A response body that keeps every write apart, to show where a writer cut its output.</summary>
    private sealed class WriteRecorder : MemoryStream
    {
        public List<byte[]> Writes { get; } = [];

        public byte[] Bytes => ToArray();

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (buffer.Length > 0)
            {
                Writes.Add(buffer.ToArray());
            }

            return base.WriteAsync(buffer, cancellationToken);
        }
    }
}
