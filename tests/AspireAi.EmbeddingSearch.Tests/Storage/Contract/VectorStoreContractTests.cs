using System.Numerics.Tensors;
using System.Text.Json;
using AspireAi.EmbeddingSearch.Storage;

namespace AspireAi.EmbeddingSearch.Tests.Storage.Contract;

/// <summary>
/// The behaviour every <see cref="IVectorStore"/> backend must share. Each test works in tenants of
/// its own, so tests never see each other's data, even on a shared Qdrant server.
/// </summary>
public abstract class VectorStoreContractTests : IAsyncDisposable
{
    private readonly List<(Guid Tenant, string Name)> _created = [];
    private IVectorStore? _store;

    protected CancellationToken CancellationToken { get; } = TestContext.Current.CancellationToken;

    /// <summary>Opens the backend, or skips the test with the reason it cannot run here.</summary>
    protected abstract Task<IVectorStore> OpenStoreAsync();

    public virtual async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            foreach (var (tenant, name) in _created)
            {
                await _store.DeleteCollectionAsync(tenant, name, CancellationToken.None);
            }
        }

        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Search_ThousandDocuments_TopFiveMatchExactReference()
    {
        var store = await StoreAsync();
        var corpus = await EmbeddedCorpus.GetAsync();
        var tenant = Guid.NewGuid();
        await CreateAsync(store, tenant, "corpus");
        var documents = corpus.Texts.Select((text, i) => new VectorDocument($"doc-{i:D4}", text, NoMetadata, corpus.Vectors[i])).ToList();
        foreach (var batch in documents.Chunk(256))
        {
            await store.UpsertAsync(tenant, "corpus", batch, CancellationToken);
        }

        var mismatches = new List<string>();
        for (var q = 0; q < corpus.Queries.Count; q++)
        {
            var expected = ExactTopIds(corpus, corpus.Queries[q], 5);
            var hits = await store.SearchAsync(tenant, "corpus", new VectorQuery(corpus.Queries[q], 5), CancellationToken);
            var actual = hits!.Select(hit => hit.Id).ToList();
            if (!expected.SequenceEqual(actual))
            {
                mismatches.Add($"query {q}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
            }
        }

        Assert.Empty(mismatches);
        Assert.Equal(EmbeddedCorpus.DocumentCount, (await store.GetCollectionAsync(tenant, "corpus", CancellationToken))!.DocumentCount);
    }

    [Fact]
    public async Task Tenants_OtherTenantUsingSameName_SeesNothing()
    {
        var store = await StoreAsync();
        var owner = Guid.NewGuid();
        var stranger = Guid.NewGuid();
        await CreateAsync(store, owner, "private");
        await store.UpsertAsync(owner, "private", [Document("secret", 0, Metadata(("lang", "en")))], CancellationToken);

        var get = await store.GetCollectionAsync(stranger, "private", CancellationToken);
        var list = await store.ListCollectionsAsync(stranger, CancellationToken);
        var search = await store.SearchAsync(stranger, "private", new VectorQuery(TemporaryStore.UnitVector(0), 5), CancellationToken);
        var count = await store.CountDocumentsAsync(stranger, "private", null, CancellationToken);
        var documents = await store.ListDocumentsAsync(stranger, "private", 10, null, CancellationToken);
        var deleteDocument = await store.DeleteDocumentAsync(stranger, "private", "secret", CancellationToken);
        var upsert = await store.UpsertAsync(stranger, "private", [Document("intruder", 1, NoMetadata)], CancellationToken);
        var deleteCollection = await store.DeleteCollectionAsync(stranger, "private", CancellationToken);

        Assert.Null(get);
        Assert.Empty(list);
        Assert.Null(search);
        Assert.Null(count);
        Assert.Null(documents);
        Assert.Equal(DocumentDeleteOutcome.CollectionNotFound, deleteDocument);
        Assert.Null(upsert);
        Assert.False(deleteCollection);
        var ownerHits = await store.SearchAsync(owner, "private", new VectorQuery(TemporaryStore.UnitVector(0), 5), CancellationToken);
        Assert.Equal(["secret"], ownerHits!.Select(hit => hit.Id));
    }

    [Fact]
    public async Task Tenants_SameNameInBoth_KeepSeparateDocuments()
    {
        var store = await StoreAsync();
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        await CreateAsync(store, first, "docs");
        await CreateAsync(store, second, "docs");

        await store.UpsertAsync(first, "docs", [Document("first-doc", 0, NoMetadata)], CancellationToken);
        await store.UpsertAsync(second, "docs", [Document("second-doc", 0, NoMetadata)], CancellationToken);
        var firstHits = await store.SearchAsync(first, "docs", new VectorQuery(TemporaryStore.UnitVector(0), 10), CancellationToken);
        var secondHits = await store.SearchAsync(second, "docs", new VectorQuery(TemporaryStore.UnitVector(0), 10), CancellationToken);

        Assert.Equal(["first-doc"], firstHits!.Select(hit => hit.Id));
        Assert.Equal(["second-doc"], secondHits!.Select(hit => hit.Id));
    }

    [Theory]
    [InlineData("""{"key":"lang","eq":"en"}""", "a,c")]
    [InlineData("""{"key":"year","eq":2021}""", "b")]
    [InlineData("""{"key":"year","eq":2021.0}""", "b")]
    [InlineData("""{"key":"year","eq":"2021"}""", "")]
    [InlineData("""{"key":"draft","eq":true}""", "c")]
    [InlineData("""{"key":"rating","gt":3.5,"lte":4.5}""", "a,c")]
    [InlineData("""{"key":"year","gte":2021}""", "b,c")]
    [InlineData("""{"key":"lang","any_of":["de","fr"]}""", "b")]
    [InlineData("""{"key":"year","any_of":[2020,2022]}""", "a,c")]
    [InlineData("""{"key":"missing","eq":"x"}""", "")]
    [InlineData("""{"and":[{"key":"lang","eq":"en"},{"key":"year","lt":2022}]}""", "a")]
    [InlineData("""{"or":[{"key":"lang","eq":"de"},{"key":"draft","eq":true}]}""", "b,c")]
    [InlineData("""{"and":[{"or":[{"key":"lang","eq":"de"},{"key":"year","eq":2020}]},{"key":"rating","gte":2}]}""", "a,b")]
    public async Task Search_MetadataFilter_ReturnsOnlyMatchingDocuments(string filterJson, string expectedIds)
    {
        var store = await StoreAsync();
        var tenant = Guid.NewGuid();
        await CreateAsync(store, tenant, "filtered", new Dictionary<string, MetadataFieldType> { ["lang"] = MetadataFieldType.Keyword, ["year"] = MetadataFieldType.Integer });
        await store.UpsertAsync(
            tenant,
            "filtered",
            [
                Document("a", 0, Metadata(("lang", "en"), ("year", 2020), ("rating", 4.0), ("draft", false))),
                Document("b", 1, Metadata(("lang", "de"), ("year", 2021), ("rating", 2.0))),
                Document("c", 2, Metadata(("lang", "en"), ("year", 2022), ("rating", 4.5), ("draft", true))),
            ],
            CancellationToken);
        var filter = ParseFilter(filterJson);

        var hits = await store.SearchAsync(tenant, "filtered", new VectorQuery(TemporaryStore.UnitVector(0, tilt: 0.5f), 10, Filter: filter), CancellationToken);
        var count = await store.CountDocumentsAsync(tenant, "filtered", filter, CancellationToken);

        var expected = expectedIds.Split(',', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected, hits!.Select(hit => hit.Id).Order(StringComparer.Ordinal));
        Assert.Equal(expected.Length, count);
    }

    [Fact]
    public async Task Search_ScoreThreshold_LeavesOutWeakerMatches()
    {
        var store = await StoreAsync();
        var tenant = Guid.NewGuid();
        await CreateAsync(store, tenant, "threshold");
        await store.UpsertAsync(
            tenant,
            "threshold",
            [
                new VectorDocument("exact", "e", NoMetadata, TemporaryStore.UnitVector(0)),
                new VectorDocument("middle", "m", NoMetadata, TemporaryStore.UnitVector(0, tilt: 1f)),
                new VectorDocument("orthogonal", "o", NoMetadata, TemporaryStore.UnitVector(7)),
            ],
            CancellationToken);

        var hits = await store.SearchAsync(tenant, "threshold", new VectorQuery(TemporaryStore.UnitVector(0), 10, 0.5f), CancellationToken);

        Assert.Equal(["exact", "middle"], hits!.Select(hit => hit.Id));
        Assert.Equal(1f, hits![0].Score, precision: 4);
        Assert.Equal(MathF.Sqrt(0.5f), hits[1].Score, precision: 4);
    }

    [Fact]
    public async Task Upsert_ShorterReplacement_LeavesNoOldChunks()
    {
        var store = await StoreAsync();
        var tenant = Guid.NewGuid();
        await CreateAsync(store, tenant, "chunks");
        var threeChunks = new VectorDocument(
            "manual",
            Metadata(("lang", "en")),
            [new DocumentChunk("part one", TemporaryStore.UnitVector(10)), new DocumentChunk("part two", TemporaryStore.UnitVector(11)), new DocumentChunk("part three", TemporaryStore.UnitVector(12))]);
        await store.UpsertAsync(tenant, "chunks", [threeChunks, Document("other", 20, NoMetadata)], CancellationToken);

        var before = await store.SearchAsync(tenant, "chunks", new VectorQuery(TemporaryStore.UnitVector(11), 1), CancellationToken);
        await store.UpsertAsync(tenant, "chunks", [new VectorDocument("manual", "rewritten", Metadata(("lang", "de")), TemporaryStore.UnitVector(30))], CancellationToken);
        var all = await store.SearchAsync(tenant, "chunks", new VectorQuery(TemporaryStore.UnitVector(11), 10), CancellationToken);
        var page = await store.ListDocumentsAsync(tenant, "chunks", 10, null, CancellationToken);
        var info = await store.GetCollectionAsync(tenant, "chunks", CancellationToken);

        var firstHit = Assert.Single(before!);
        Assert.Equal(("manual", 1, "part two"), (firstHit.Id, firstHit.ChunkIndex, firstHit.Text));
        Assert.Equal(2, all!.Count);
        var manual = Assert.Single(all, hit => hit.Id == "manual");
        Assert.Equal(("rewritten", 0, "de"), (manual.Text, manual.ChunkIndex, manual.Metadata["lang"].GetString()));
        Assert.Equal(1, Assert.Single(page!.Documents, document => document.Id == "manual").ChunkCount);
        Assert.Equal(2, info!.DocumentCount);
    }

    [Fact]
    public async Task DeleteDocument_ChunkedDocument_RemovesEveryChunk()
    {
        var store = await StoreAsync();
        var tenant = Guid.NewGuid();
        await CreateAsync(store, tenant, "deletes");
        var chunked = new VectorDocument("chunked", NoMetadata, [new DocumentChunk("a", TemporaryStore.UnitVector(1)), new DocumentChunk("b", TemporaryStore.UnitVector(2))]);
        await store.UpsertAsync(tenant, "deletes", [chunked, Document("kept", 3, NoMetadata)], CancellationToken);

        var deleted = await store.DeleteDocumentAsync(tenant, "deletes", "chunked", CancellationToken);
        var deletedAgain = await store.DeleteDocumentAsync(tenant, "deletes", "chunked", CancellationToken);
        var hits = await store.SearchAsync(tenant, "deletes", new VectorQuery(TemporaryStore.UnitVector(1), 10), CancellationToken);
        var count = await store.CountDocumentsAsync(tenant, "deletes", null, CancellationToken);

        Assert.Equal(DocumentDeleteOutcome.Deleted, deleted);
        Assert.Equal(DocumentDeleteOutcome.DocumentNotFound, deletedAgain);
        Assert.Equal(["kept"], hits!.Select(hit => hit.Id));
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task ListDocuments_Pages_ReturnEveryDocumentOnce()
    {
        var store = await StoreAsync();
        var tenant = Guid.NewGuid();
        await CreateAsync(store, tenant, "paged");
        var ids = Enumerable.Range(0, 7).Select(i => $"doc-{i}").ToList();
        await store.UpsertAsync(tenant, "paged", ids.Select((id, i) => Document(id, i, Metadata(("position", i)))).ToList(), CancellationToken);

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await store.ListDocumentsAsync(tenant, "paged", 3, token, CancellationToken);
            Assert.InRange(page!.Documents.Count, 1, 3);
            seen.AddRange(page.Documents.Select(document => document.Id));
            token = page.NextPageToken;
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(ids, seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Collections_CreateListDelete_ReportSchemaAndCounts()
    {
        var store = await StoreAsync();
        var tenant = Guid.NewGuid();
        var indexed = new Dictionary<string, MetadataFieldType> { ["year"] = MetadataFieldType.Integer, ["lang"] = MetadataFieldType.Keyword };

        var created = await CreateAsync(store, tenant, "b-docs", indexed);
        var duplicate = await store.CreateCollectionAsync(tenant, new CollectionDefinition("b-docs", 384, indexed), CancellationToken);
        await CreateAsync(store, tenant, "a-docs");
        await store.UpsertAsync(tenant, "b-docs", [Document("x", 0, NoMetadata), Document("y", 1, NoMetadata)], CancellationToken);
        var listed = await store.ListCollectionsAsync(tenant, CancellationToken);
        var deleted = await store.DeleteCollectionAsync(tenant, "a-docs", CancellationToken);
        var afterDelete = await store.GetCollectionAsync(tenant, "a-docs", CancellationToken);

        Assert.NotNull(created);
        Assert.Null(duplicate);
        Assert.Equal(["a-docs", "b-docs"], listed.Select(collection => collection.Name));
        Assert.Equal(2, listed[1].DocumentCount);
        Assert.Equal(384, listed[1].Dimensions);
        Assert.Equal(indexed, listed[1].IndexedMetadata);
        Assert.True(deleted);
        Assert.Null(afterDelete);
    }

    protected static IReadOnlyDictionary<string, JsonElement> NoMetadata { get; } = new Dictionary<string, JsonElement>();

    private static VectorDocument Document(string id, int axis, IReadOnlyDictionary<string, JsonElement> metadata) =>
        new(id, $"text of {id}", metadata, TemporaryStore.UnitVector(axis));

    private static Dictionary<string, JsonElement> Metadata(params (string Key, object Value)[] values) =>
        values.ToDictionary(value => value.Key, value => JsonSerializer.SerializeToElement(value.Value));

    private static MetadataFilter ParseFilter(string json)
    {
        using var document = JsonDocument.Parse(json);
        Assert.True(Collections.MetadataFilterParser.TryParse(document.RootElement.Clone(), "filter", out var filter, out var error), error);
        return filter!;
    }

    private static List<string> ExactTopIds(EmbeddedCorpus corpus, float[] query, int count) =>
        corpus.Vectors
            .Select((vector, i) => (Id: $"doc-{i:D4}", Score: TensorPrimitives.Dot(query, vector)))
            .OrderByDescending(hit => hit.Score)
            .ThenBy(hit => hit.Id, StringComparer.Ordinal)
            .Take(count)
            .Select(hit => hit.Id)
            .ToList();

    private async Task<IVectorStore> StoreAsync() => _store ??= await OpenStoreAsync();

    private async Task<CollectionInfo?> CreateAsync(IVectorStore store, Guid tenant, string name, Dictionary<string, MetadataFieldType>? indexed = null)
    {
        var created = await store.CreateCollectionAsync(tenant, new CollectionDefinition(name, 384, indexed ?? []), CancellationToken);
        _created.Add((tenant, name));
        return created;
    }
}
