using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Reports;

namespace AspireAi.Benchmarks.Micro;

/// <summary>One benchmark's result per operation.</summary>
/// <param name="Benchmark">The benchmark's description.</param>
/// <param name="Type">The benchmark class.</param>
/// <param name="MeanNs">Mean time per operation, in nanoseconds.</param>
/// <param name="ErrorNs">Half of the 99.9 % confidence interval of the mean, in nanoseconds, as BenchmarkDotNet's Error column.</param>
/// <param name="StdDevNs">Standard deviation of the iteration means, in nanoseconds.</param>
/// <param name="AllocatedBytes">Managed bytes allocated per operation, or null when the memory diagnoser reported none.</param>
internal sealed record MicroResult(string Benchmark, string Type, double MeanNs, double ErrorNs, double StdDevNs, long? AllocatedBytes);

/// <summary>Percentiles of a list of latencies, in milliseconds.</summary>
internal sealed record LatencySummary(int Count, double P50Ms, double P99Ms, double P999Ms, double MaxMs)
{
    public static LatencySummary From(double[] latencies)
    {
        var sorted = latencies.Order().ToArray();
        return new LatencySummary(sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.99), Percentile(sorted, 0.999), sorted[^1]);
    }

    // Nearest-rank percentile: the smallest value with at least the fraction of values at or below it.
    private static double Percentile(double[] sorted, double fraction) =>
        sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>Turns BenchmarkDotNet's summaries into the suite's micro.json and micro.md.</summary>
internal static class MicroReport
{
    /// <summary>The reservation target from the benchmark suite: p99 at most 1 ms.</summary>
    private const double ReservationTargetMs = 1.0;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    /// <summary>Collects every report with results. A report without them is listed in <paramref name="failures"/>.</summary>
    public static List<MicroResult> Collect(IEnumerable<Summary> summaries, IReadOnlyList<Type> order, out List<string> failures)
    {
        var rows = new List<MicroResult>();
        failures = [];
        foreach (var summary in summaries)
        {
            if (summary.HasCriticalValidationErrors)
            {
                failures.AddRange(summary.ValidationErrors.Select(error => error.Message));
            }

            foreach (var report in summary.Reports)
            {
                // BenchmarkDotNet quotes a description that contains spaces.
                var name = report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\'');
                if (!report.Success || report.ResultStatistics is not { } statistics)
                {
                    failures.Add($"{name}: no results. See the log above for the cause.");
                    continue;
                }

                rows.Add(new MicroResult(
                    name,
                    report.BenchmarkCase.Descriptor.Type.Name,
                    statistics.Mean,
                    statistics.ConfidenceInterval.Margin,
                    statistics.StandardDeviation,
                    report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase)));
            }
        }

        return [.. rows
            .OrderBy(row => order.Select(type => type.Name).ToList().IndexOf(row.Type))
            .ThenBy(row => row.MeanNs)];
    }

    /// <summary>Writes micro.json and micro.md into <paramref name="outDir"/>.</summary>
    public static void Write(string outDir, IReadOnlyList<MicroResult> rows, LatencySummary reservation, bool quick, string loadAverage)
    {
        var reservationMet = reservation.P99Ms <= ReservationTargetMs;
        var document = new
        {
            Benchmark = "micro",
            Machine = new
            {
                ProcessorCount = Environment.ProcessorCount,
                Os = RuntimeInformation.OSDescription,
                Runtime = RuntimeInformation.FrameworkDescription,
                LoadAverageAtStart = loadAverage,
            },
            Quick = quick,
            Results = rows,
            ReservationLatency = new
            {
                Scope = "billing's Redis Lua reservation only, against in-process Garnet, without the HTTP call and the PostgreSQL query",
                reservation.Count,
                reservation.P50Ms,
                reservation.P99Ms,
                reservation.P999Ms,
                reservation.MaxMs,
                TargetP99Ms = ReservationTargetMs,
                TargetMet = reservationMet,
            },
        };
        File.WriteAllText(Path.Combine(outDir, "micro.json"), JsonSerializer.Serialize(document, JsonOptions) + "\n");
        File.WriteAllText(Path.Combine(outDir, "micro.md"), Markdown(rows, reservation, quick, reservationMet, loadAverage));
    }

    private static string Markdown(IReadOnlyList<MicroResult> rows, LatencySummary reservation, bool quick, bool reservationMet, string loadAverage)
    {
        var text = new StringBuilder();
        var job = quick ? "a quick job (1 warmup, 3 iterations of 100 ms)" : "3 warmups and 15 iterations of 250 ms";
        text.AppendLine("## Micro-benchmarks: the gateway's hot path");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"BenchmarkDotNet 0.15.8 with its in-process toolchain and memory diagnoser, Release build, {job}, calling the services' own code, {Environment.ProcessorCount} cores, load average {loadAverage} at the start.");
        if (BusyMachineNote(loadAverage) is { Length: > 0 } busyNote)
        {
            text.AppendLine(busyNote);
        }

        text.AppendLine("Error is half of the 99.9 % confidence interval of the mean. The SSE row is per chunk of a 256-chunk stream read from memory.");
        text.AppendLine("The budget rows run billing's Lua reservation scripts against a Garnet server in the same process, so they leave out the HTTP call to billing and billing's PostgreSQL query (the Billing section measures the whole call).");
        text.AppendLine();
        text.AppendLine("| Benchmark | Mean | Error | Allocated per op |");
        text.AppendLine("|---|---:|---:|---:|");
        foreach (var row in rows)
        {
            var allocated = row.AllocatedBytes is { } bytes ? FormatBytes(bytes) : "n/a";
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Benchmark} | {FormatTime(row.MeanNs)} | ±{FormatTime(row.ErrorNs)} | {allocated} |");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Single budget reservations timed one after another ({reservation.Count:N0} calls, Redis part only): p50 {reservation.P50Ms:0.000} ms, p99 {reservation.P99Ms:0.000} ms, p99.9 {reservation.P999Ms:0.000} ms, max {reservation.MaxMs:0.000} ms.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"- Target reservation p99 ≤ 1 ms, Redis part only: **{(reservationMet ? "met" : "missed")}** ({reservation.P99Ms:0.000} ms). The target applies to the whole reservation, which the Billing section measures.");
        text.AppendLine();
        return text.ToString();
    }

    private static string FormatTime(double nanoseconds) => nanoseconds switch
    {
        < 1_000 => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds:0.0} ns"),
        < 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1_000:0.00} µs"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1_000_000:0.000} ms"),
    };

    private static string FormatBytes(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024.0):0.00} MB"),
    };

    // The 1-minute load average from /proc/loadavg, compared with the core count to flag a shared, busy machine.
    private static string BusyMachineNote(string loadAverage) =>
        double.TryParse(loadAverage.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var load) && load > Environment.ProcessorCount
            ? "The load average was above the core count, so other processes shared the CPU and these figures are slower than on an idle machine."
            : string.Empty;
}
