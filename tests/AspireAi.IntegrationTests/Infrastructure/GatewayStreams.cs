using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace AspireAi.IntegrationTests.Infrastructure;

/// <summary>A streamed chat completion as the client received it: raw bytes, events and the text they add up to.</summary>
public sealed record ReceivedStream(HttpResponseMessage Response, byte[] Bytes, IReadOnlyList<string> Events)
{
    public string Text => string.Concat(Chunks
        .SelectMany(chunk => chunk.TryGetProperty("choices", out var choices) ? choices.EnumerateArray() : Enumerable.Empty<JsonElement>())
        .Select(choice => choice.TryGetProperty("delta", out var delta) && delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String ? content.GetString() : null));

    public IEnumerable<JsonElement> Chunks => Events.Where(data => data != "[DONE]").Select(data => JsonDocument.Parse(data).RootElement);

    public bool EndsWithDone => Events.Count > 0 && Events[^1] == "[DONE]";
}

/// <summary>Raw HTTP helpers for the gateway's chat route, for the cases the SDKs hide: bytes, events and error chunks.</summary>
public static class GatewayStreams
{
    public static HttpRequestMessage ChatRequest(string model, string prompt, bool stream, bool includeUsage = true, bool bypassCache = true)
    {
        object body = stream
            ? new { model, stream, stream_options = new { include_usage = includeUsage }, messages = new[] { new { role = "user", content = prompt } } }
            : new { model, messages = new[] { new { role = "user", content = prompt } } };
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(body) };
        if (bypassCache)
        {
            request.Headers.TryAddWithoutValidation("Cache-Control", "no-cache, no-store");
        }

        return request;
    }

    /// <summary>Sends a streamed request and reads it to the end, keeping what arrived before any error.</summary>
    public static async Task<ReceivedStream> StreamAsync(HttpClient http, string model, string prompt, CancellationToken cancellationToken)
    {
        using var request = ChatRequest(model, prompt, stream: true);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        using var bytes = new MemoryStream();
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            await body.CopyToAsync(bytes, cancellationToken);
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException)
        {
            // A cut stream still counts as received up to the cut.
        }

        var raw = bytes.ToArray();
        return new ReceivedStream(response, raw, ParseEvents(Encoding.UTF8.GetString(raw)));
    }

    public static List<string> ParseEvents(string raw) =>
        raw.Replace("\r\n", "\n", StringComparison.Ordinal)
            .Split('\n')
            .Where(line => line.StartsWith("data:", StringComparison.Ordinal))
            .Select(line => line["data:".Length..].TrimStart())
            .ToList();

    /// <summary>Reads the tenant's usage summary until it shows at least the given number of requests, because usage is delivered in the background.</summary>
    public static async Task<JsonElement> WaitForUsageAsync(HttpClient http, long requests, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var summary = await http.GetFromJsonAsync<JsonElement>("/v1/usage", cancellationToken);
            var total = summary.GetProperty("total");
            if (total.GetProperty("requests").GetInt64() >= requests || DateTime.UtcNow > deadline)
            {
                return total;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }
}
