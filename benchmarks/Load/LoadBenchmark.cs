using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AspireAi.Benchmarks.Load;

/// <summary>Runs every load target at every connection count, then the streaming probes, then reads memory.</summary>
internal sealed partial class LoadBenchmark(LoadOptions options)
{
    // The prompt of every request that is not unique. chat.lua sends the same one, so the cache-hit target can be primed here.
    private const string FixedPrompt = "Summarize the benchmark plan in one line.";

    public async Task<LoadResults> RunAsync(CancellationToken cancellationToken)
    {
        var loadBefore = ReadLoadAverage();
        var wrkVersion = await ReadWrkVersionAsync(cancellationToken);
        var scriptPath = Path.Combine(AppContext.BaseDirectory, "chat.lua");
        var wrk = new WrkRunner(options.WrkPath, scriptPath, options.Model);

        var targets = CreateTargets();
        foreach (var target in targets)
        {
            await CheckTargetAsync(target, cancellationToken);
        }

        var measured = new List<(LoadTarget Target, int Connections, WrkResult Result)>();
        foreach (var target in targets)
        {
            foreach (var connections in options.Connections)
            {
                Console.Error.WriteLine($"{target.Title}, {connections} connection(s): warming up {options.Warmup.TotalSeconds:0} s, measuring {options.Duration.TotalSeconds:0} s.");
                await wrk.RunAsync(target, connections, options.Warmup, cancellationToken);
                var result = await wrk.RunAsync(target, connections, options.Duration, cancellationToken);
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {result.RequestsPerSecond:0} req/s, p50 {result.Latency.P50 / 1000d:0.000} ms, p99 {result.Latency.P99 / 1000d:0.000} ms, {result.Errors.Total} errors."));
                measured.Add((target, connections, result));
            }
        }

        var runs = measured.Select(run => ToRunResult(run.Target, run.Connections, run.Result, measured)).ToList();
        var streaming = await MeasureStreamingAsync(targets, cancellationToken);

        var memory = new List<ProcessMemory>();
        foreach (var pid in options.GatewayPids)
        {
            AddMemory(memory, "gateway", pid);
        }

        if (options.PortkeyPid is { } portkeyPid)
        {
            AddMemory(memory, "portkey", portkeyPid);
        }

        return new LoadResults(runs, streaming, memory, options.Duration.TotalSeconds, options.Warmup.TotalSeconds, options.Model, wrkVersion, loadBefore, ReadLoadAverage());
    }

    private List<LoadTarget> CreateTargets()
    {
        var emulatorAuthorization = Header("Authorization", $"Bearer {options.EmulatorKey}");
        var gatewayAuthorization = Header("Authorization", $"Bearer {options.ApiKey}");
        var targets = new List<LoadTarget>
        {
            new(LoadReport.DirectId, "direct to the emulator", ChatUrl(options.EmulatorUrl, "chat/completions"), [emulatorAuthorization], UniquePrompt: true, ExpectedCache: null),
            new(LoadReport.GatewayMissId, "gateway, cache miss", ChatUrl(options.GatewayUrl, "v1/chat/completions"), [gatewayAuthorization], UniquePrompt: true, ExpectedCache: "miss"),
            new(LoadReport.GatewayHitId, "gateway, cache hit", ChatUrl(options.GatewayUrl, "v1/chat/completions"), [gatewayAuthorization], UniquePrompt: false, ExpectedCache: "hit"),
        };

        if (options.GatewayProcessUrl is { } processUrl)
        {
            targets.Add(new("gateway-process-miss", "gateway without Aspire's proxy, cache miss", ChatUrl(processUrl, "v1/chat/completions"), [gatewayAuthorization], UniquePrompt: true, ExpectedCache: "miss"));
            targets.Add(new("gateway-process-hit", "gateway without Aspire's proxy, cache hit", ChatUrl(processUrl, "v1/chat/completions"), [gatewayAuthorization], UniquePrompt: false, ExpectedCache: "hit"));
        }

        if (options.PortkeyUrl is { } portkeyUrl)
        {
            targets.Add(new(LoadReport.PortkeyId, "Portkey", ChatUrl(portkeyUrl, "v1/chat/completions"),
            [
                emulatorAuthorization,
                Header("x-portkey-provider", "openai"),
                Header("x-portkey-custom-host", options.EmulatorUrl.ToString().TrimEnd('/')),
            ], UniquePrompt: true, ExpectedCache: null));
        }

        return targets;
    }

    /// <summary>Sends one request like the load run's, so a wrong key, URL or cache state fails before any timing.</summary>
    private async Task CheckTargetAsync(LoadTarget target, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var prompt = target.UniquePrompt ? $"Check prompt {Guid.NewGuid():N}" : FixedPrompt;

        // A cache-hit target needs the response in the cache before its first measured request.
        var attempts = target.ExpectedCache == "hit" ? 2 : 1;
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target.Url)
            {
                Content = new StringContent(ChatBody(prompt), Encoding.UTF8, "application/json"),
            };
            foreach (var (name, value) in target.Headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await client.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"{target.Title}: {target.Url} returned status {(int)response.StatusCode}: {body}");
            }

            var cache = response.Headers.TryGetValues("x-aspireai-cache", out var values) ? string.Join(",", values) : null;
            if (attempt == attempts && target.ExpectedCache is { } expected && cache != expected)
            {
                throw new InvalidOperationException($"{target.Title}: expected x-aspireai-cache: {expected} from {target.Url}, got '{cache ?? "no header"}'. Check that the gateway's cache is on for the benchmark tenant.");
            }
        }
    }

    private async Task<List<StreamingResult>> MeasureStreamingAsync(List<LoadTarget> targets, CancellationToken cancellationToken)
    {
        var streamed = targets.Where(target => target.UniquePrompt).ToList();
        var summaries = new List<(LoadTarget Target, LatencySummary Summary)>();
        using var probe = new StreamingProbe(options.Model);
        foreach (var target in streamed)
        {
            Console.Error.WriteLine($"Streaming time to first token, {target.Title}: warming up {options.Warmup.TotalSeconds:0} s, measuring {options.Duration.TotalSeconds:0} s.");
            var summary = await probe.MeasureAsync(target, options.Warmup, options.Duration, cancellationToken);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {summary.Count} streams, p50 {summary.P50Ms:0.000} ms, p99 {summary.P99Ms:0.000} ms."));
            summaries.Add((target, summary));
        }

        var direct = summaries.FirstOrDefault(item => item.Target.Id == LoadReport.DirectId).Summary;
        return summaries
            .Select(item => new StreamingResult(
                item.Target.Id,
                item.Target.Title,
                item.Summary,
                direct is null || item.Target.Id == LoadReport.DirectId ? null : item.Summary.P50Ms - direct.P50Ms,
                direct is null || item.Target.Id == LoadReport.DirectId ? null : item.Summary.P99Ms - direct.P99Ms))
            .ToList();
    }

    private static LoadRunResult ToRunResult(LoadTarget target, int connections, WrkResult result, List<(LoadTarget Target, int Connections, WrkResult Result)> measured)
    {
        var direct = target.Id == LoadReport.DirectId
            ? null
            : measured.FirstOrDefault(run => run.Target.Id == LoadReport.DirectId && run.Connections == connections).Result;
        var latency = result.Latency;
        return new LoadRunResult(
            target.Id,
            target.Title,
            connections,
            result.Requests,
            result.DurationUs / 1_000_000d,
            result.RequestsPerSecond,
            latency.Mean / 1000d,
            latency.P50 / 1000d,
            latency.P99 / 1000d,
            latency.P999 / 1000d,
            latency.Max / 1000d,
            result.Errors.Total,
            direct is null ? null : (latency.P50 - direct.Latency.P50) / 1000d,
            direct is null ? null : (latency.P99 - direct.Latency.P99) / 1000d);
    }

    private static void AddMemory(List<ProcessMemory> memory, string role, int pid)
    {
        if (ProcessMemory.TryRead(role, pid) is { } reading)
        {
            memory.Add(reading);
        }
        else
        {
            Console.Error.WriteLine($"No memory figures for the {role} process {pid}: /proc/{pid}/status is not readable, so the process has exited or this is not Linux.");
        }
    }

    private async Task<string> ReadWrkVersionAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(options.WrkPath, "--version")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new InvalidOperationException($"Could not run '{options.WrkPath}': {exception.Message}. Install wrk (apt-get install wrk) or pass --wrk PATH.", exception);
        }

        using (process)
        {
            // wrk prints its version before the usage text and exits with code 1.
            var output = await process!.StandardOutput.ReadToEndAsync(cancellationToken) + await process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            var match = VersionPattern().Match(output);
            return match.Success ? $"wrk {match.Value}" : "wrk";
        }
    }

    private static string ReadLoadAverage()
    {
        const string Path = "/proc/loadavg";
        return File.Exists(Path) ? string.Join(", ", File.ReadAllText(Path).Split(' ').Take(3)) : "unknown";
    }

    private string ChatBody(string prompt) => new JsonObject
    {
        ["model"] = options.Model,
        ["max_tokens"] = 16,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = prompt }),
    }.ToJsonString();

    private static Uri ChatUrl(Uri baseUrl, string relativePath) => new(baseUrl.ToString().TrimEnd('/') + "/" + relativePath);

    private static KeyValuePair<string, string> Header(string name, string value) => new(name, value);

    [GeneratedRegex(@"\d+\.\d+\.\d+")]
    private static partial Regex VersionPattern();
}
