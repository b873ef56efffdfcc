using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace AspireAi.Benchmarks.VectorIndex;

/// <summary>What the benchmark ran on.</summary>
internal sealed record MachineDescription(string Cpu, int Cores, string Os, string Dotnet, string LoadAverage)
{
    public static MachineDescription Read() => new(
        ReadCpuModel(),
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        Environment.Version.ToString(),
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown");

    private static string ReadCpuModel()
    {
        const string Prefix = "model name";
        if (!File.Exists("/proc/cpuinfo"))
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }

        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith(Prefix, StringComparison.Ordinal));
        return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
}

/// <summary>Writes vector-index.json and vector-index.md.</summary>
internal static class Report
{
    public const string JsonFileName = "vector-index.json";
    public const string MarkdownFileName = "vector-index.md";

    // The suite's target for the embedded index at 100,000 vectors.
    private const int TargetVectors = 100_000;
    private const double TargetRecall = 0.95;
    private const double TargetP99Milliseconds = 5.0;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public static async Task WriteAsync(BenchmarkArguments arguments, MachineDescription machine, IReadOnlyList<ScenarioResult> results)
    {
        var document = new
        {
            Benchmark = "vector-index",
            Machine = machine,
            Settings = new
            {
                arguments.Quick,
                Dimensions = BenchmarkArguments.Dimensions,
                Limit = BenchmarkArguments.Limit,
                arguments.QueryCount,
                HnswConnectivity = arguments.Connectivity,
                HnswExpansionAdd = arguments.ExpansionAdd,
                HnswExpansionSearch = arguments.ExpansionSearch,
                arguments.HnswIngestMaxSize,
            },
            Results = results,
            Targets = Targets(results).Select(target => new { target.Name, target.Met, target.Measured }).ToList(),
        };

        await File.WriteAllTextAsync(Path.Combine(arguments.OutputDirectory, JsonFileName), JsonSerializer.Serialize(document, JsonOptions));
        await File.WriteAllTextAsync(Path.Combine(arguments.OutputDirectory, MarkdownFileName), Markdown(arguments, results));
    }

    private static string Markdown(BenchmarkArguments arguments, IReadOnlyList<ScenarioResult> results)
    {
        var text = new StringBuilder();
        text.AppendLine("## Embedded vector index");
        text.AppendLine();
        text.AppendLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Exact search and the HNSW graph (USearch, inner product, 16-bit floats, M {arguments.Connectivity}, efConstruction {arguments.ExpansionAdd}, ef {arguments.ExpansionSearch}) measured through EmbeddedVectorStore on unit vectors of {BenchmarkArguments.Dimensions} dimensions, top {BenchmarkArguments.Limit}, {arguments.QueryCount} queries per row. "));
        text.AppendLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Uniform vectors are spread evenly on the sphere; clustered ones are a Gaussian mixture of {VectorData.ClusterCount:N0} centres with spread {VectorData.ClusterSpread} per coordinate. Ingest is upserts of 256 documents, each flushed to disk; latency is one thread, throughput all cores for 2 s; recall@10 is against exact search on the same queries; graph build is reopening the store (log replay plus the graph built from it)."));
        text.AppendLine();
        text.AppendLine("| vectors | data | engine | ingest vectors/s | reopen + graph build s | p50 ms | p99 ms | queries/s | recall@10 |");
        text.AppendLine("|---:|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var result in results)
        {
            var build = result.GraphBuildSeconds is { } seconds ? seconds.ToString("F1", CultureInfo.InvariantCulture) : "–";
            var ingest = result.IngestVectorsPerSecond > 0 ? result.IngestVectorsPerSecond.ToString("N0", CultureInfo.InvariantCulture) : "not measured";
            text.AppendLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {result.Vectors:N0} | {result.Distribution} | {result.Engine} | {ingest} | {build} | {result.P50Milliseconds:F2} | {result.P99Milliseconds:F2} | {result.QueriesPerSecond:N0} | {result.RecallAt10:F3} |"));
        }

        text.AppendLine();
        foreach (var target in Targets(results))
        {
            text.AppendLine($"- Target {target.Name}: {(target.Met ? "met" : "missed")} ({target.Measured}).");
        }

        return text.ToString();
    }

    /// <summary>Checks the suite's target, recall@10 ≥ 0.95 with p99 ≤ 5 ms at 100,000 vectors, for each engine and distribution.</summary>
    private static IEnumerable<(string Name, bool Met, string Measured)> Targets(IReadOnlyList<ScenarioResult> results)
    {
        foreach (var result in results.Where(result => result.Vectors == TargetVectors))
        {
            var met = result.RecallAt10 >= TargetRecall && result.P99Milliseconds <= TargetP99Milliseconds;
            yield return (
                string.Create(CultureInfo.InvariantCulture, $"100,000 vectors recall@10 ≥ {TargetRecall} with p99 ≤ {TargetP99Milliseconds} ms, {result.Engine}, {result.Distribution}"),
                met,
                string.Create(CultureInfo.InvariantCulture, $"recall@10 {result.RecallAt10:F3}, p99 {result.P99Milliseconds:F2} ms"));
        }
    }
}
