using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using AspireAi.EmbeddingSearch;
using AspireAi.EmbeddingSearch.Storage;
using AspireAi.EmbeddingSearch.Storage.Embedded;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

// Measures the embedded index's exact search: query latency on one thread and throughput on all
// cores, at several collection sizes, with random unit vectors of 384 dimensions. Exact search
// reads every vector, so its cost does not depend on the data.
// Usage: dotnet run -c Release --project benchmarks/VectorIndex -- [sizes, default 10000,50000,100000] [queries, default 200]
var sizes = args.Length > 0 ? args[0].Split(',').Select(size => int.Parse(size, CultureInfo.InvariantCulture)).ToArray() : [10_000, 50_000, 100_000];
var queryCount = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
const int Dimensions = 384;
const int Limit = 10;

Console.WriteLine($"# {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average {ReadLoadAverage()}");
Console.WriteLine("| documents | p50 ms (1 thread) | p95 ms (1 thread) | queries/s (all cores) | load s | reopen s |");
Console.WriteLine("|---:|---:|---:|---:|---:|---:|");

var random = new Random(42);
var tenant = Guid.NewGuid();
foreach (var size in sizes)
{
    var directory = Path.Combine(Path.GetTempPath(), "aspireai-vector-benchmark", Guid.NewGuid().ToString("N"));
    var options = Options.Create(new EmbeddingSearchOptions { Embedded = { DataDirectory = directory } });
    try
    {
        var loadWatch = Stopwatch.StartNew();
        using (var store = new EmbeddedVectorStore(options, TimeProvider.System, NullLogger<EmbeddedVectorStore>.Instance))
        {
            await store.CreateCollectionAsync(tenant, new CollectionDefinition("bench", Dimensions, new Dictionary<string, MetadataFieldType>()), CancellationToken.None);
            var metadata = new Dictionary<string, System.Text.Json.JsonElement>();
            for (var start = 0; start < size; start += 256)
            {
                var batch = Enumerable.Range(start, Math.Min(256, size - start))
                    .Select(i => new VectorDocument($"doc-{i}", "text", metadata, RandomUnitVector(random)))
                    .ToList();
                await store.UpsertAsync(tenant, "bench", batch, CancellationToken.None);
            }
        }

        var loadSeconds = loadWatch.Elapsed.TotalSeconds;
        var reopenWatch = Stopwatch.StartNew();
        using var reopened = new EmbeddedVectorStore(options, TimeProvider.System, NullLogger<EmbeddedVectorStore>.Instance);
        var reopenSeconds = reopenWatch.Elapsed.TotalSeconds;

        var queries = Enumerable.Range(0, queryCount).Select(_ => RandomUnitVector(random)).ToList();

        // Warm up the JIT and the caches before timing.
        for (var i = 0; i < 10; i++)
        {
            await reopened.SearchAsync(tenant, "bench", new VectorQuery(queries[i], Limit), CancellationToken.None);
        }

        var latencies = new List<double>(queryCount);
        foreach (var query in queries)
        {
            var watch = Stopwatch.StartNew();
            await reopened.SearchAsync(tenant, "bench", new VectorQuery(query, Limit), CancellationToken.None);
            latencies.Add(watch.Elapsed.TotalMilliseconds);
        }

        latencies.Sort();
        var throughputWatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            queries,
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            async (query, token) => await reopened.SearchAsync(tenant, "bench", new VectorQuery(query, Limit), token));
        var queriesPerSecond = queryCount / throughputWatch.Elapsed.TotalSeconds;

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {size:N0} | {latencies[latencies.Count / 2]:F1} | {latencies[(int)(latencies.Count * 0.95)]:F1} | {queriesPerSecond:F0} | {loadSeconds:F1} | {reopenSeconds:F1} |"));
    }
    finally
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}

static float[] RandomUnitVector(Random random)
{
    var vector = new float[Dimensions];
    for (var i = 0; i < vector.Length; i++)
    {
        vector[i] = (float)((random.NextDouble() * 2) - 1);
    }

    TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
    return vector;
}

static string ReadLoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
