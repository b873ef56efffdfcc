using System.Numerics.Tensors;
using System.Text.Json;
using AspireAi.EmbeddingSearch.Storage;
using AspireAi.EmbeddingSearch.Storage.Embedded;

namespace AspireAi.EmbeddingSearch.Tests.Storage;

/// <summary>The embedded index searched through its HNSW graph: freshness, filters, restarts, concurrency and recall.</summary>
public sealed class HnswSearchTests : IDisposable
{
    private const int Dimensions = 384;
    private static readonly Guid Tenant = Guid.Parse("0b7c2f3e-3333-4a5b-9c8d-000000000003");
    private static readonly TimeSpan GraphTimeout = TimeSpan.FromMinutes(2);
    private static readonly IReadOnlyDictionary<string, JsonElement> NoMetadata = new Dictionary<string, JsonElement>();

    private readonly TemporaryStore _temporary = new();
    private readonly CancellationToken _cancellationToken = TestContext.Current.CancellationToken;

    public void Dispose() => _temporary.Dispose();

    [Fact]
    public async Task Search_DeletedOrReplacedDocument_NeverReturned()
    {
        using var store = _temporary.Open(options => options.HnswThreshold = 0);
        var vectors = ClusteredVectors(count: 500, seed: 1);
        await CreateAndFillAsync(store, vectors);
        await WaitForGraphAsync(store);
        Assert.Equal("doc-7", (await SearchAsync(store, vectors[7], 10))[0].Id);
        Assert.Equal("doc-8", (await SearchAsync(store, vectors[8], 10))[0].Id);

        await store.DeleteDocumentAsync(Tenant, "docs", "doc-7", _cancellationToken);
        await store.UpsertAsync(Tenant, "docs", [new VectorDocument("doc-8", "replacement", NoMetadata, vectors[400])], _cancellationToken);

        var afterDelete = await SearchAsync(store, vectors[7], 50);
        Assert.DoesNotContain(afterDelete, hit => hit.Id == "doc-7");
        var atOldVector = await SearchAsync(store, vectors[8], 50);
        Assert.DoesNotContain(atOldVector, hit => hit.Text == "text of doc-8");
        var atNewVector = await SearchAsync(store, vectors[400], 2);
        Assert.Contains(atNewVector, hit => hit.Id == "doc-8" && hit.Text == "replacement");
    }

    [Fact]
    public async Task Search_SelectiveFilter_FallsBackToExact()
    {
        using var store = _temporary.Open(options => options.HnswThreshold = 0);
        var vectors = ClusteredVectors(count: 2000, seed: 2);
        var rare = new HashSet<int> { 11, 977, 1503 };
        await CreateAndFillAsync(store, vectors, i => rare.Contains(i) ? "rare" : "common");
        await WaitForGraphAsync(store);

        // The query sits on a common document, so the rare ones are far outside the graph's
        // candidates for 5 × 10 results and only the exact fallback can find them.
        var filter = new EqualsFilter("kind", JsonSerializer.SerializeToElement("rare"));
        var hits = await store.SearchAsync(Tenant, "docs", new VectorQuery(vectors[500], 5, Filter: filter), _cancellationToken);

        Assert.NotNull(hits);
        Assert.Equal(["doc-11", "doc-1503", "doc-977"], hits!.Select(hit => hit.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Search_AfterReopen_ReturnsSameResults()
    {
        var vectors = ClusteredVectors(count: 1500, seed: 3);
        var queries = ClusteredVectors(count: 20, seed: 4);
        List<string[]> before;
        using (var store = _temporary.Open(options => options.HnswThreshold = 0))
        {
            await CreateAndFillAsync(store, vectors);
            await store.DeleteDocumentAsync(Tenant, "docs", "doc-3", _cancellationToken);
            await WaitForGraphAsync(store);
            before = await TopIdsAsync(store, queries);
        }

        using var reopened = _temporary.Open(options => options.HnswThreshold = 0);
        await WaitForGraphAsync(reopened);
        var after = await TopIdsAsync(reopened, queries);

        Assert.Equal(before, after);
        Assert.DoesNotContain(after, ids => ids.Contains("doc-3"));
    }

    [Fact]
    public async Task UpsertAndSearch_Concurrent_ReturnOnlyLiveDocuments()
    {
        // The threshold is crossed during the test, so the background build races with writes too.
        using var store = _temporary.Open(options => options.HnswThreshold = 300);
        var vectors = ClusteredVectors(count: 1200, seed: 5);
        await store.CreateCollectionAsync(Tenant, "docs", _cancellationToken);
        using var writersDone = new CancellationTokenSource();
        var deleted = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);

        var writer = Task.Run(async () =>
        {
            for (var start = 0; start < vectors.Length; start += 50)
            {
                var batch = Enumerable.Range(start, 50).Select(i => Document(i, vectors[i], "common")).ToList();
                await store.UpsertAsync(Tenant, "docs", batch, _cancellationToken);

                // Delete a document of this batch, so deletions race with searches as well.
                await store.DeleteDocumentAsync(Tenant, "docs", $"doc-{start}", _cancellationToken);
                deleted[$"doc-{start}"] = true;
            }
        }, _cancellationToken);
        var searchers = Enumerable.Range(0, 3).Select(searcher => Task.Run(async () =>
        {
            var searches = 0;
            while (!writersDone.IsCancellationRequested || searches == 0)
            {
                // A deletion acknowledged before the search started must not show up in it.
                var deletedBefore = deleted.Keys.ToHashSet(StringComparer.Ordinal);
                var hits = await SearchAsync(store, vectors[(searcher * 97) + (searches % 1000)], 20);
                Assert.Equal(hits.Count, hits.Select(hit => hit.Id).Distinct().Count());
                Assert.DoesNotContain(hits, hit => deletedBefore.Contains(hit.Id));
                searches++;
            }
        }, _cancellationToken)).ToList();

        await writer;
        await writersDone.CancelAsync();
        await Task.WhenAll(searchers);
        await WaitForGraphAsync(store);

        Assert.Equal(vectors.Length - (vectors.Length / 50), (await store.GetCollectionAsync(Tenant, "docs", _cancellationToken))!.DocumentCount);
        var top = await SearchAsync(store, vectors[1199], 1);
        Assert.Equal("doc-1199", top[0].Id);
    }

    [Fact]
    public async Task Search_ClusteredVectors_RecallAtLeastNinetyPercent()
    {
        const int Limit = 10;
        using var store = _temporary.Open(options => options.HnswThreshold = 0);
        var vectors = ClusteredVectors(count: 3000, seed: 6);
        var queries = ClusteredVectors(count: 50, seed: 7);
        await CreateAndFillAsync(store, vectors);
        await WaitForGraphAsync(store);

        var found = 0;
        foreach (var query in queries)
        {
            var expected = vectors
                .Select((vector, i) => (Id: $"doc-{i}", Score: TensorPrimitives.Dot(query, vector)))
                .OrderByDescending(pair => pair.Score)
                .Take(Limit)
                .Select(pair => pair.Id)
                .ToHashSet(StringComparer.Ordinal);
            var hits = await SearchAsync(store, query, Limit);
            found += hits.Count(hit => expected.Contains(hit.Id));
        }

        var recall = found / (double)(queries.Length * Limit);
        Assert.True(recall >= 0.9, $"recall@10 is {recall:F3}, below 0.9");
    }

    [Fact]
    public async Task Search_HnswDisabled_NeverBuildsGraph()
    {
        using var store = _temporary.Open(options =>
        {
            options.HnswEnabled = false;
            options.HnswThreshold = 0;
        });
        var vectors = ClusteredVectors(count: 50, seed: 8);
        await CreateAndFillAsync(store, vectors);

        var graphReady = store.WaitForHnswGraphAsync(Tenant, "docs", _cancellationToken);
        var hits = await SearchAsync(store, vectors[42], 1);

        Assert.False(graphReady.IsCompleted);
        Assert.Equal("doc-42", hits[0].Id);
    }

    /// <summary>Returns unit vectors from a Gaussian mixture of 40 centres, the same for the same seed.</summary>
    private static float[][] ClusteredVectors(int count, int seed)
    {
        var random = new Random(seed);
        var centres = Enumerable.Range(0, 40).Select(centre => Normal(new Random(1000 + centre), 1.0)).ToArray();
        return Enumerable.Range(0, count).Select(_ =>
        {
            var vector = Normal(random, 0.05);
            TensorPrimitives.Add(vector, centres[random.Next(centres.Length)], vector);
            TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
            return vector;
        }).ToArray();
    }

    private static float[] Normal(Random random, double standardDeviation)
    {
        var vector = new float[Dimensions];
        for (var i = 0; i < vector.Length; i++)
        {
            var radius = Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble()));
            vector[i] = (float)(standardDeviation * radius * Math.Cos(2.0 * Math.PI * random.NextDouble()));
        }

        return vector;
    }

    private static VectorDocument Document(int index, float[] vector, string kind) =>
        new($"doc-{index}", $"text of doc-{index}", new Dictionary<string, JsonElement> { ["kind"] = JsonSerializer.SerializeToElement(kind) }, vector);

    private async Task CreateAndFillAsync(EmbeddedVectorStore store, float[][] vectors, Func<int, string>? kindOf = null)
    {
        var definition = new CollectionDefinition("docs", Dimensions, new Dictionary<string, MetadataFieldType> { ["kind"] = MetadataFieldType.Keyword });
        await store.CreateCollectionAsync(Tenant, definition, _cancellationToken);
        for (var start = 0; start < vectors.Length; start += 250)
        {
            var batch = Enumerable.Range(start, Math.Min(250, vectors.Length - start))
                .Select(i => Document(i, vectors[i], kindOf?.Invoke(i) ?? "common"))
                .ToList();
            await store.UpsertAsync(Tenant, "docs", batch, _cancellationToken);
        }
    }

    private async Task WaitForGraphAsync(EmbeddedVectorStore store) =>
        Assert.True(await store.WaitForHnswGraphAsync(Tenant, "docs", _cancellationToken).WaitAsync(GraphTimeout, _cancellationToken));

    private async Task<IReadOnlyList<SearchHit>> SearchAsync(EmbeddedVectorStore store, float[] query, int limit) =>
        (await store.SearchAsync(Tenant, "docs", new VectorQuery(query, limit), _cancellationToken))!;

    private async Task<List<string[]>> TopIdsAsync(EmbeddedVectorStore store, float[][] queries)
    {
        var results = new List<string[]>();
        foreach (var query in queries)
        {
            results.Add((await SearchAsync(store, query, 10)).Select(hit => hit.Id).ToArray());
        }

        return results;
    }
}
