using AspireAi.Benchmarks.Micro;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

const string Usage = """
    Usage: AspireAi.Benchmarks.Micro --out-dir DIR [--quick]

    Runs the gateway hot-path micro-benchmarks with BenchmarkDotNet and writes DIR/micro.json and DIR/micro.md.
      --out-dir DIR  folder for the results; created when missing
      --quick        a short job (1 warmup, 3 iterations of 100 ms each) and 2,000 timed reservations, for a smoke run
    """;

string? outDir = null;
var quick = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--out-dir" when i + 1 < args.Length:
            outDir = args[++i];
            break;
        case "--quick":
            quick = true;
            break;
        case "--help" or "-h":
            Console.Error.WriteLine(Usage);
            return 0;
        default:
            Console.Error.WriteLine($"Unknown or incomplete option '{args[i]}'.");
            Console.Error.WriteLine(Usage);
            return 2;
    }
}

if (string.IsNullOrWhiteSpace(outDir))
{
    Console.Error.WriteLine("Missing --out-dir: pass the folder to write micro.json and micro.md to.");
    Console.Error.WriteLine(Usage);
    return 2;
}

// Garnet prints its banner to standard output, but the suite's programs keep every progress message on standard error.
Console.SetOut(Console.Error);

Directory.CreateDirectory(outDir);
var loadAverage = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
var artifacts = Path.Combine(Path.GetTempPath(), "aspireai-bench-micro-" + Guid.NewGuid().ToString("N"));

// In-process toolchain: BenchmarkDotNet runs the benchmarks in this process instead of generating and building a
// project per benchmark, which takes minutes on a two-core machine and would inherit the repository's build rules.
var job = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithLaunchCount(1);
job = quick
    ? job.WithWarmupCount(1).WithIterationCount(3).WithIterationTime(TimeInterval.FromMilliseconds(100))
    : job.WithWarmupCount(3).WithIterationCount(15).WithIterationTime(TimeInterval.FromMilliseconds(250));

var config = ManualConfig.CreateEmpty()
    .AddJob(job)
    .AddLogger(new StderrLogger())
    .AddColumnProvider(DefaultColumnProviders.Instance)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithArtifactsPath(artifacts)
    .WithOptions(ConfigOptions.JoinSummary);

Type[] benchmarks =
[
    typeof(CacheKeyBenchmarks),
    typeof(TokenCountBenchmarks),
    typeof(CostEstimateBenchmarks),
    typeof(SseRelayBenchmarks),
    typeof(BudgetReservationBenchmarks),
];

try
{
    var summaries = BenchmarkRunner.Run(benchmarks, config);
    var rows = MicroReport.Collect(summaries, benchmarks, out var failures);
    if (failures.Count > 0)
    {
        foreach (var failure in failures)
        {
            Console.Error.WriteLine($"Benchmark failed: {failure}");
        }

        return 1;
    }

    Console.Error.WriteLine("Timing single budget reservations against in-process Garnet for the latency distribution...");
    var reservations = new BudgetReservationBenchmarks();
    reservations.Setup();
    double[] latencies;
    try
    {
        latencies = reservations.MeasureReservationLatencies(warmup: quick ? 500 : 2_000, count: quick ? 2_000 : 20_000);
    }
    finally
    {
        reservations.Cleanup();
    }

    var latency = LatencySummary.From(latencies);
    MicroReport.Write(outDir, rows, latency, quick, loadAverage);
    Console.Error.WriteLine($"Wrote {Path.Combine(outDir, "micro.json")} and {Path.Combine(outDir, "micro.md")}.");
    return 0;
}
finally
{
    if (Directory.Exists(artifacts))
    {
        Directory.Delete(artifacts, recursive: true);
    }
}
