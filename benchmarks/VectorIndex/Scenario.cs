using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AspireAi.EmbeddingSearch;
using AspireAi.EmbeddingSearch.Storage;
using AspireAi.EmbeddingSearch.Storage.Embedded;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AspireAi.Benchmarks.VectorIndex;

/// <summary>The measured figures of one engine on one collection.</summary>
internal sealed record ScenarioResult(
    string Engine,
    string Distribution,
    int Vectors,
    double IngestVectorsPerSecond,
    double? GraphBuildSeconds,
    double P50Milliseconds,
    double P99Milliseconds,
    double QueriesPerSecond,
    [property: System.Text.Json.Serialization.JsonPropertyName("recall_at_10")] double RecallAt10);

/// <summary>One collection size and distribution, measured with exact search and with the HNSW graph.</summary>
internal static class Scenario
{
    private const string CollectionName = "bench";
    private const int UpsertBatchSize = 256;
    private static readonly TimeSpan ThroughputDuration = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan WarmUpDuration = TimeSpan.FromSeconds(1);
    private static readonly Dictionary<string, JsonElement> NoMetadata = [];

    /// <summary>
    /// Ingests the vectors into an exact store and measures it. Then reopens the same files with
    /// the graph on every collection, which rebuilds the graph from the log, and measures that.
    /// Last, unless the size is above --hnsw-ingest-max, ingests the same vectors into a fresh
    /// store with the graph on, for the ingest rate with graph inserts (0 when skipped).
    /// </summary>
    public static async Task<IReadOnlyList<ScenarioResult>> RunAsync(int size, Distribution distribution, BenchmarkArguments arguments)
    {
        var data = new VectorData(distribution, BenchmarkArguments.Dimensions, seed: size + (int)distribution);
        var vectors = new float[size][];
        for (var i = 0; i < size; i++)
        {
            vectors[i] = data.Next();
        }

        var queries = Enumerable.Range(0, arguments.QueryCount).Select(_ => data.Next()).ToArray();
        var tenant = Guid.NewGuid();
        var label = string.Create(CultureInfo.InvariantCulture, $"{size:N0} {distribution.ToString().ToLowerInvariant()}");
        var directory = Path.Combine(Path.GetTempPath(), "aspireai-vector-benchmark", Guid.NewGuid().ToString("N"));
        var graphDirectory = directory + "-graph";
        try
        {
            Progress($"{label}: exact ingest");
            ScenarioResult exact;
            string[][] referenceIds;
            double exactIngestRate;
            using (var store = Open(directory, arguments, hnsw: false))
            {
                exactIngestRate = await IngestAsync(store, tenant, vectors);
                Progress($"{label}: exact search");
                (exact, referenceIds) = await MeasureSearchAsync(store, tenant, queries, reference: null, "exact", distribution, size, exactIngestRate, graphBuildSeconds: null);
            }

            Progress($"{label}: reopen with the HNSW graph");
            var rebuildWatch = Stopwatch.StartNew();
            ScenarioResult hnsw;
            using (var store = Open(directory, arguments, hnsw: true))
            {
                await store.WaitForHnswGraphAsync(tenant, CollectionName, CancellationToken.None);
                var rebuildSeconds = rebuildWatch.Elapsed.TotalSeconds;
                Progress(string.Create(CultureInfo.InvariantCulture, $"{label}: replay and graph build took {rebuildSeconds:F1} s; HNSW search"));
                (hnsw, _) = await MeasureSearchAsync(store, tenant, queries, referenceIds, "hnsw", distribution, size, ingestRate: 0, rebuildSeconds);
            }

            Directory.Delete(directory, recursive: true);

            if (size <= arguments.HnswIngestMaxSize)
            {
                Progress($"{label}: HNSW ingest");
                using var store = Open(graphDirectory, arguments, hnsw: true);
                hnsw = hnsw with { IngestVectorsPerSecond = await IngestAsync(store, tenant, vectors) };
            }

            Progress(string.Create(CultureInfo.InvariantCulture, $"{label}: exact p99 {exact.P99Milliseconds:F2} ms; HNSW p99 {hnsw.P99Milliseconds:F2} ms, recall@10 {hnsw.RecallAt10:F3}"));
            return [exact, hnsw];
        }
        finally
        {
            foreach (var path in new[] { directory, graphDirectory })
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }
            }
        }
    }

    private static EmbeddedVectorStore Open(string directory, BenchmarkArguments arguments, bool hnsw)
    {
        var options = new EmbeddingSearchOptions
        {
            Embedded =
            {
                DataDirectory = directory,
                HnswEnabled = hnsw,
                HnswThreshold = 0,
                HnswConnectivity = arguments.Connectivity,
                HnswExpansionAdd = arguments.ExpansionAdd,
                HnswExpansionSearch = arguments.ExpansionSearch,
            },
        };
        return new EmbeddedVectorStore(Options.Create(options), TimeProvider.System, NullLogger<EmbeddedVectorStore>.Instance);
    }

    /// <summary>Creates the collection and upserts every vector in batches; returns vectors per second.</summary>
    private static async Task<double> IngestAsync(EmbeddedVectorStore store, Guid tenant, float[][] vectors)
    {
        var definition = new CollectionDefinition(CollectionName, BenchmarkArguments.Dimensions, new Dictionary<string, MetadataFieldType>());
        await store.CreateCollectionAsync(tenant, definition, CancellationToken.None);
        var watch = Stopwatch.StartNew();
        for (var start = 0; start < vectors.Length; start += UpsertBatchSize)
        {
            var batch = new List<VectorDocument>(UpsertBatchSize);
            for (var i = start; i < Math.Min(start + UpsertBatchSize, vectors.Length); i++)
            {
                batch.Add(new VectorDocument(DocumentId(i), "text", NoMetadata, vectors[i]));
            }

            await store.UpsertAsync(tenant, CollectionName, batch, CancellationToken.None);
        }

        return vectors.Length / watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Measures latency on one thread, throughput on all cores, and recall@10 against
    /// <paramref name="reference"/> (or 1 when it is null, for the reference itself).
    /// </summary>
    private static async Task<(ScenarioResult Result, string[][] TopIds)> MeasureSearchAsync(
        EmbeddedVectorStore store,
        Guid tenant,
        float[][] queries,
        string[][]? reference,
        string engine,
        Distribution distribution,
        int size,
        double ingestRate,
        double? graphBuildSeconds)
    {
        // Warm up for a second (at least 20 queries), so the JIT has optimised the search code
        // and the caches are filled before timing.
        var warmUp = Stopwatch.StartNew();
        for (var i = 0; i < 20 || warmUp.Elapsed < WarmUpDuration; i++)
        {
            await SearchAsync(store, tenant, queries[i % queries.Length]);
        }

        var latencies = new double[queries.Length];
        var topIds = new string[queries.Length][];
        for (var i = 0; i < queries.Length; i++)
        {
            var watch = Stopwatch.StartNew();
            var hits = await SearchAsync(store, tenant, queries[i]);
            latencies[i] = watch.Elapsed.TotalMilliseconds;
            topIds[i] = hits.Select(hit => hit.Id).ToArray();
        }

        Array.Sort(latencies);
        var recall = reference is null
            ? 1.0
            : topIds.Select((ids, i) => ids.Intersect(reference[i], StringComparer.Ordinal).Count() / (double)BenchmarkArguments.Limit).Average();

        var result = new ScenarioResult(
            engine,
            distribution.ToString().ToLowerInvariant(),
            size,
            ingestRate,
            graphBuildSeconds,
            Percentile(latencies, 0.50),
            Percentile(latencies, 0.99),
            await MeasureThroughputAsync(store, tenant, queries),
            recall);
        return (result, topIds);
    }

    /// <summary>Runs queries on every core for a fixed time and returns queries per second.</summary>
    private static async Task<double> MeasureThroughputAsync(EmbeddedVectorStore store, Guid tenant, float[][] queries)
    {
        long completed = 0;
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, Environment.ProcessorCount).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; watch.Elapsed < ThroughputDuration; i += Environment.ProcessorCount)
            {
                await SearchAsync(store, tenant, queries[i % queries.Length]);
                Interlocked.Increment(ref completed);
            }
        }));
        await Task.WhenAll(workers);
        return completed / watch.Elapsed.TotalSeconds;
    }

    private static async Task<IReadOnlyList<SearchHit>> SearchAsync(EmbeddedVectorStore store, Guid tenant, float[] query) =>
        await store.SearchAsync(tenant, CollectionName, new VectorQuery(query, BenchmarkArguments.Limit), CancellationToken.None)
            ?? throw new InvalidOperationException($"The benchmark collection '{CollectionName}' is missing.");

    /// <summary>Returns the nearest-rank percentile of sorted values.</summary>
    private static double Percentile(double[] sorted, double fraction) =>
        sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string DocumentId(int index) => string.Create(CultureInfo.InvariantCulture, $"doc-{index}");

    private static void Progress(string message) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.UtcNow:HH:mm:ss}] {message}"));
}
