using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace AspireAi.Benchmarks.Load;

/// <summary>One measured wrk run. Latencies are in milliseconds, and added latency is over the direct run at the same connection count.</summary>
internal sealed record LoadRunResult(
    string Target,
    string Title,
    int Connections,
    long Requests,
    double DurationSeconds,
    double RequestsPerSecond,
    double MeanMs,
    double P50Ms,
    double P99Ms,
    double P999Ms,
    double MaxMs,
    long Errors,
    double? AddedP50Ms,
    double? AddedP99Ms);

/// <summary>Streaming time to first token through one target, in milliseconds.</summary>
internal sealed record StreamingResult(string Target, string Title, LatencySummary TimeToFirstToken, double? AddedP50Ms, double? AddedP99Ms);

/// <summary>One target of the benchmark suite: its limit, the measured value, and whether it was met (null when not measured).</summary>
internal sealed record TargetResult(string Name, string Limit, string Measured, bool? Met);

/// <summary>Everything the load benchmark measured, with the settings it ran with.</summary>
internal sealed record LoadResults(
    IReadOnlyList<LoadRunResult> Runs,
    IReadOnlyList<StreamingResult> Streaming,
    IReadOnlyList<ProcessMemory> Memory,
    double DurationSeconds,
    double WarmupSeconds,
    string Model,
    string WrkVersion,
    string LoadAverageBefore,
    string LoadAverageAfter);

/// <summary>Checks the suite's gateway targets and writes load.json and load.md.</summary>
internal static class LoadReport
{
    public const string DirectId = "direct";
    public const string GatewayMissId = "gateway-miss";
    public const string GatewayHitId = "gateway-hit";
    public const string PortkeyId = "portkey";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    /// <summary>Compares the results with the suite's targets for the gateway.</summary>
    public static List<TargetResult> CheckTargets(LoadResults results)
    {
        var targets = new List<TargetResult>();
        var miss1 = Find(results, GatewayMissId, 1);
        var miss32 = Find(results, GatewayMissId, 32);
        var hit32 = Find(results, GatewayHitId, 32);
        var portkey32 = Find(results, PortkeyId, 32);

        targets.Add(Check("Cache miss, 1 connection: added p50", "≤ 0.25 ms", miss1?.AddedP50Ms, value => value <= 0.25, Milliseconds));
        targets.Add(Check("Cache miss, 1 connection: added p99", "≤ 1 ms", miss1?.AddedP99Ms, value => value <= 1, Milliseconds));

        double? ratio = miss32 is not null && portkey32 is { RequestsPerSecond: > 0 } ? miss32.RequestsPerSecond / portkey32.RequestsPerSecond : null;
        targets.Add(Check("Cache miss, 32 connections: req/s over Portkey's", "≥ 10×", ratio, value => value >= 10, value => Format(value, "0.00") + "×"));
        targets.Add(Check("Cache miss, 32 connections: p99", "< 5 ms", miss32?.P99Ms, value => value < 5, Milliseconds));
        targets.Add(Check("Cache hit, 32 connections: p99", "≤ 2 ms", hit32?.P99Ms, value => value <= 2, Milliseconds));

        var streamingGateway = results.Streaming.FirstOrDefault(result => result.Target == GatewayMissId);
        targets.Add(Check("Streaming: added time to first token (p50)", "≤ 1 ms", streamingGateway?.AddedP50Ms, value => value <= 1, Milliseconds));

        var gatewayMemory = results.Memory.Where(memory => memory.Role == "gateway").ToList();
        double? peak = gatewayMemory.Count > 0 ? gatewayMemory.Max(memory => memory.PeakResidentMb) : null;
        targets.Add(Check("Gateway peak resident memory (VmHWM)", "≤ 200 MB", peak, value => value <= 200, value => Format(value, "0") + " MB"));

        return targets;
    }

    /// <summary>Writes load.json and load.md into <paramref name="outDir"/>.</summary>
    public static void Write(string outDir, LoadResults results, IReadOnlyList<TargetResult> targets, bool quick)
    {
        var document = new
        {
            Benchmark = "load",
            Machine = new
            {
                Cores = Environment.ProcessorCount,
                Os = RuntimeInformation.OSDescription,
                Dotnet = Environment.Version.ToString(),
                results.LoadAverageBefore,
                results.LoadAverageAfter,
            },
            Settings = new
            {
                Quick = quick,
                results.DurationSeconds,
                results.WarmupSeconds,
                results.Model,
                MaxTokens = 16,
                Tool = results.WrkVersion,
            },
            Results = results.Runs,
            results.Streaming,
            results.Memory,
            RequestsPerSecondOverPortkey = results.Runs
                .Where(run => run.Target == GatewayMissId || run.Target == GatewayHitId)
                .Select(run => new { run.Target, run.Connections, Ratio = Ratio(results, run) })
                .ToList(),
            Targets = targets,
        };
        File.WriteAllText(Path.Combine(outDir, "load.json"), JsonSerializer.Serialize(document, JsonOptions));
        File.WriteAllText(Path.Combine(outDir, "load.md"), ToMarkdown(results, targets, quick));
    }

    private static string ToMarkdown(LoadResults results, IReadOnlyList<TargetResult> targets, bool quick)
    {
        var text = new StringBuilder();
        text.AppendLine("## Load: gateway overhead over an instant upstream");
        text.AppendLine();
        text.AppendLine(Invariant($"Each row is one {results.WrkVersion} run of {results.DurationSeconds:0} s after {results.WarmupSeconds:0} s of warm-up, posting non-streamed chat requests for {results.Model} with max_tokens 16 to the provider emulator, which answers at once."));
        text.AppendLine("*Direct* calls the emulator at the URL the gateway uses. *Gateway, cache miss* sends a new prompt on every request, so each one takes the full path: "
            + "key check (cached in memory for 30 s), request and token rate limits in Redis, cache lookup and single-flight lock, cost estimate, budget reservation in billing, provider call, "
            + "usage record in the outbox file and in billing's ledger, and cache write. *Gateway, cache hit* repeats one cached prompt, and its usage is recorded too. "
            + "*Portkey* is Portkey's open-source gateway routed to the same emulator URL. Added latency is the row's percentile minus the direct run's at the same connection count.");
        if (quick)
        {
            text.AppendLine();
            text.AppendLine("This was a `--quick` run: the runs were short, so the tail percentiles rest on few samples.");
        }

        text.AppendLine();
        text.AppendLine("| target | connections | req/s | p50 ms | p99 ms | p99.9 ms | added p50 ms | added p99 ms | errors |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var run in results.Runs)
        {
            text.AppendLine(Invariant($"| {run.Title} | {run.Connections} | {run.RequestsPerSecond:0} | {run.P50Ms:0.000} | {run.P99Ms:0.000} | {run.P999Ms:0.000} | {Optional(run.AddedP50Ms)} | {Optional(run.AddedP99Ms)} | {run.Errors} |"));
        }

        var ratios = results.Runs
            .Where(run => run.Target == GatewayMissId && Ratio(results, run) is not null)
            .Select(run => Invariant($"{Ratio(results, run):0.00}× at {run.Connections} connection{(run.Connections == 1 ? string.Empty : "s")}"))
            .ToList();
        if (ratios.Count > 0)
        {
            text.AppendLine();
            text.AppendLine($"Gateway requests per second on a cache miss over Portkey's: {string.Join(", ", ratios)}.");
        }

        if (results.Streaming.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Streaming time to first token: one connection, requests one after another, each timed from sending the request to reading the first `data:` line and then read to its end. The gateway requests are cache misses.");
            text.AppendLine();
            text.AppendLine("| target | requests | p50 ms | p99 ms | p99.9 ms | added p50 ms | added p99 ms |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var result in results.Streaming)
            {
                var ttft = result.TimeToFirstToken;
                text.AppendLine(Invariant($"| {result.Title} | {ttft.Count} | {ttft.P50Ms:0.000} | {ttft.P99Ms:0.000} | {ttft.P999Ms:0.000} | {Optional(result.AddedP50Ms)} | {Optional(result.AddedP99Ms)} |"));
            }
        }

        if (results.Memory.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Resident memory, read from `/proc/PID/status` after the runs: VmHWM is the peak since the process started.");
            text.AppendLine();
            text.AppendLine("| process | pid | peak resident MB | resident at end MB |");
            text.AppendLine("|---|---:|---:|---:|");
            foreach (var memory in results.Memory)
            {
                text.AppendLine(Invariant($"| {memory.Role} ({memory.Name}) | {memory.Pid} | {memory.PeakResidentMb:0} | {memory.ResidentMb:0} |"));
            }
        }

        text.AppendLine();
        text.AppendLine("| target | limit | measured | status |");
        text.AppendLine("|---|---|---:|---|");
        foreach (var target in targets)
        {
            var status = target.Met switch
            {
                true => "met",
                false => "missed",
                null => "not measured",
            };
            text.AppendLine($"| {target.Name} | {target.Limit} | {target.Measured} | {status} |");
        }

        text.AppendLine();
        text.AppendLine($"Load average (1, 5, 15 min) before the runs: {results.LoadAverageBefore}, and after: {results.LoadAverageAfter}.");
        if (IsBusy(results.LoadAverageBefore) || IsBusy(results.LoadAverageAfter))
        {
            text.AppendLine(Invariant($"The 1-minute load average was above the {Environment.ProcessorCount} cores, so other work shared the CPU with these runs. Waiting for the CPU inflates every latency here, so compare ratios and added latency, and rerun on a quiet machine before quoting absolute numbers."));
        }

        return text.ToString();
    }

    // The load average text starts with the 1-minute value, such as "2.15, 1.80, 1.20".
    private static bool IsBusy(string loadAverage) =>
        double.TryParse(loadAverage.Split(',')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var oneMinute)
        && oneMinute > Environment.ProcessorCount;

    private static LoadRunResult? Find(LoadResults results, string target, int connections) =>
        results.Runs.FirstOrDefault(run => run.Target == target && run.Connections == connections);

    private static double? Ratio(LoadResults results, LoadRunResult run) =>
        Find(results, PortkeyId, run.Connections) is { RequestsPerSecond: > 0 } portkey ? run.RequestsPerSecond / portkey.RequestsPerSecond : null;

    private static TargetResult Check(string name, string limit, double? value, Func<double, bool> isMet, Func<double, string> format) =>
        value is { } measured ? new TargetResult(name, limit, format(measured), isMet(measured)) : new TargetResult(name, limit, "—", null);

    private static string Milliseconds(double value) => Format(value, "0.000") + " ms";

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Optional(double? value) => value is { } number ? Format(number, "0.000") : "—";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
