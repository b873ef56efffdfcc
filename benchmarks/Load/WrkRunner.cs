using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AspireAi.Benchmarks.Load;

/// <summary>One target of the load runs: where the chat requests go and how they are built.</summary>
/// <param name="Id">A short stable name used in load.json.</param>
/// <param name="Title">The row label in load.md.</param>
/// <param name="Url">The full URL of the chat completions route.</param>
/// <param name="Headers">Headers of every request, authorization included.</param>
/// <param name="UniquePrompt">Whether every request gets a prompt never sent before.</param>
/// <param name="ExpectedCache">The <c>x-aspireai-cache</c> value every response must carry, or null for targets other than the gateway.</param>
internal sealed record LoadTarget(
    string Id,
    string Title,
    Uri Url,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    bool UniquePrompt,
    string? ExpectedCache);

/// <summary>What one wrk run measured. Latencies are in microseconds, as wrk reports them.</summary>
internal sealed record WrkResult(
    [property: JsonPropertyName("requests")] long Requests,
    [property: JsonPropertyName("duration_us")] long DurationUs,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("errors")] WrkErrors Errors,
    [property: JsonPropertyName("latency_us")] WrkLatency Latency)
{
    public double RequestsPerSecond => DurationUs > 0 ? Requests / (DurationUs / 1_000_000d) : 0;
}

/// <summary>wrk's error counts. <see cref="Status"/> counts responses with a status of 400 or more.</summary>
internal sealed record WrkErrors(
    [property: JsonPropertyName("connect")] long Connect,
    [property: JsonPropertyName("read")] long Read,
    [property: JsonPropertyName("write")] long Write,
    [property: JsonPropertyName("status")] long Status,
    [property: JsonPropertyName("timeout")] long Timeout)
{
    public long Total => Connect + Read + Write + Status + Timeout;
}

/// <summary>wrk's latency distribution, in microseconds.</summary>
internal sealed record WrkLatency(
    [property: JsonPropertyName("mean")] double Mean,
    [property: JsonPropertyName("p50")] long P50,
    [property: JsonPropertyName("p99")] long P99,
    [property: JsonPropertyName("p999")] long P999,
    [property: JsonPropertyName("max")] long Max);

/// <summary>Runs wrk with chat.lua against one target and parses the summary line that the script prints.</summary>
internal sealed class WrkRunner(string wrkPath, string scriptPath, string model)
{
    private const string ResultPrefix = "LOAD_RESULT ";

    /// <summary>Runs wrk for <paramref name="duration"/> with <paramref name="connections"/> open connections.</summary>
    /// <exception cref="InvalidOperationException">wrk failed or printed no summary. The message contains its output.</exception>
    public async Task<WrkResult> RunAsync(LoadTarget target, int connections, TimeSpan duration, CancellationToken cancellationToken)
    {
        var threads = Math.Min(connections, Environment.ProcessorCount);
        var start = new ProcessStartInfo(wrkPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "-t", threads.ToString(CultureInfo.InvariantCulture),
            "-c", connections.ToString(CultureInfo.InvariantCulture),
            "-d", string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, (int)Math.Round(duration.TotalSeconds))}s"),
            "--timeout", "10s",
            "-s", scriptPath,
            target.Url.ToString(),
        })
        {
            start.ArgumentList.Add(argument);
        }

        // Headers travel in the environment, so wrk's command line does not carry the API key.
        start.Environment["LOAD_HEADERS"] = string.Join('\n', target.Headers.Select(header => $"{header.Key}: {header.Value}"));
        start.Environment["LOAD_MODEL"] = model;
        start.Environment["LOAD_UNIQUE"] = target.UniquePrompt ? "1" : "0";
        start.Environment["LOAD_RUN_ID"] = Guid.NewGuid().ToString("N");

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not start '{wrkPath}'. Install wrk (apt-get install wrk) or pass --wrk PATH.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(duration + TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"wrk against {target.Url} did not finish within {duration.TotalSeconds + 30} s and was stopped.");
        }

        var stdout = await output;
        var stderr = await error;
        var line = stdout.Split('\n').FirstOrDefault(text => text.StartsWith(ResultPrefix, StringComparison.Ordinal));
        if (process.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"wrk against {target.Url} exited with code {process.ExitCode} and no summary. Output: {stdout.Trim()} {stderr.Trim()}");
        }

        return JsonSerializer.Deserialize<WrkResult>(line[ResultPrefix.Length..])
            ?? throw new InvalidOperationException($"wrk's summary line could not be read: {line}");
    }
}
