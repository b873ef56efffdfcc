using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace AspireAi.Benchmarks.Load;

/// <summary>Percentiles of a list of latencies, in milliseconds.</summary>
internal sealed record LatencySummary(int Count, double MeanMs, double P50Ms, double P99Ms, double P999Ms, double MaxMs)
{
    public static LatencySummary From(IReadOnlyCollection<double> latenciesMs)
    {
        if (latenciesMs.Count == 0)
        {
            return new LatencySummary(0, 0, 0, 0, 0, 0);
        }

        var sorted = latenciesMs.Order().ToArray();
        return new LatencySummary(sorted.Length, sorted.Average(), Percentile(sorted, 0.50), Percentile(sorted, 0.99), Percentile(sorted, 0.999), sorted[^1]);
    }

    // Nearest rank: the smallest sample with at least the fraction of samples at or below it.
    private static double Percentile(double[] sorted, double fraction) =>
        sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>
/// Measures streaming time to first token: from sending a streamed chat request to reading the first
/// server-sent <c>data:</c> line. Requests run one after another on one kept-alive connection, and every
/// stream is read to its end before the next request.
/// </summary>
internal sealed class StreamingProbe(string model) : IDisposable
{
    private const int MaxSamples = 5_000;

    private readonly HttpClient _client = new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        UseProxy = false,
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    /// <summary>Warms up for <paramref name="warmup"/>, then measures for <paramref name="duration"/> or 5,000 requests.</summary>
    /// <exception cref="InvalidOperationException">A response was not a successful stream, or had the wrong cache status.</exception>
    public async Task<LatencySummary> MeasureAsync(LoadTarget target, TimeSpan warmup, TimeSpan duration, CancellationToken cancellationToken)
    {
        var runId = Guid.NewGuid().ToString("N");
        var sequence = 0;

        var warmupWatch = Stopwatch.StartNew();
        while (warmupWatch.Elapsed < warmup)
        {
            await TimeFirstTokenAsync(target, $"{runId}-{sequence++}", cancellationToken);
        }

        var samples = new List<double>();
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration && samples.Count < MaxSamples)
        {
            samples.Add(await TimeFirstTokenAsync(target, $"{runId}-{sequence++}", cancellationToken));
        }

        return LatencySummary.From(samples);
    }

    public void Dispose() => _client.Dispose();

    private async Task<double> TimeFirstTokenAsync(LoadTarget target, string promptId, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["max_tokens"] = 16,
            ["stream"] = true,
            ["stream_options"] = new JsonObject { ["include_usage"] = true },
            ["messages"] = new JsonArray(new JsonObject
            {
                ["role"] = "user",
                ["content"] = $"Streaming benchmark prompt {promptId}: summarize the plan in one line.",
            }),
        };

        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        foreach (var (name, value) in target.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        var started = Stopwatch.GetTimestamp();
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException($"Streamed request to {target.Url} failed with status {(int)response.StatusCode}: {text}");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        double? firstTokenMs = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (firstTokenMs is null && line.StartsWith("data:", StringComparison.Ordinal))
            {
                firstTokenMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }

        if (firstTokenMs is null)
        {
            throw new InvalidOperationException($"The stream from {target.Url} ended without a data line.");
        }

        if (target.ExpectedCache is { } expected
            && (!response.Headers.TryGetValues("x-aspireai-cache", out var values) || !values.Contains(expected, StringComparer.Ordinal)))
        {
            throw new InvalidOperationException($"A streamed response from {target.Url} did not carry x-aspireai-cache: {expected}.");
        }

        return firstTokenMs.Value;
    }
}
