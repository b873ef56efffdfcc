using System.Text.Json;
using AspireAi.EmbeddingSearch.Storage;
using AspireAi.EmbeddingSearch.Storage.Embedded;

namespace AspireAi.EmbeddingSearch.Tests.Storage;

public sealed class EmbeddedVectorStoreTests : IDisposable
{
    private static readonly Guid TenantA = Guid.Parse("0b7c2f3e-1111-4a5b-9c8d-000000000001");
    private static readonly Guid TenantB = Guid.Parse("0b7c2f3e-2222-4a5b-9c8d-000000000002");

    private readonly TemporaryStore _temporary = new();
    private readonly CancellationToken _cancellationToken = TestContext.Current.CancellationToken;

    public void Dispose() => _temporary.Dispose();

    [Fact]
    public async Task CreateCollectionAsync_ExistingName_ReturnsNull()
    {
        using var store = _temporary.Open();

        var first = await store.CreateCollectionAsync(TenantA, "docs", _cancellationToken);
        var second = await store.CreateCollectionAsync(TenantA, "docs", _cancellationToken);

        Assert.NotNull(first);
        Assert.Equal("docs", first.Name);
        Assert.Equal(0, first.DocumentCount);
        Assert.Null(second);
    }

    [Fact]
    public async Task UpsertAsync_NewDocuments_AreCountedAndFound()
    {
        using var store = _temporary.Open();
        await store.CreateCollectionAsync(TenantA, "docs", _cancellationToken);

        var upserted = await store.UpsertAsync(
            TenantA, "docs", [TemporaryStore.Document("a", TemporaryStore.UnitVector(0)), TemporaryStore.Document("b", TemporaryStore.UnitVector(1))], _cancellationToken);
        var info = await store.GetCollectionAsync(TenantA, "docs", _cancellationToken);
        var hits = await store.SearchAsync(TenantA, "docs", TemporaryStore.UnitVector(1), 1, null, _cancellationToken);

        Assert.Equal(2, upserted);
        Assert.Equal(2, info!.DocumentCount);
        var hit = Assert.Single(hits!);
        Assert.Equal("b", hit.Id);
        Assert.Equal(1f, hit.Score, precision: 5);
    }

    [Fact]
    public async Task UpsertAsync_ExistingId_ReplacesDocument()
    {
        using var store = _temporary.Open();
        await store.CreateCollectionAsync(TenantA, "docs", _cancellationToken);
        await store.UpsertAsync(TenantA, "docs", [TemporaryStore.Document("a", TemporaryStore.UnitVector(0), "old")], _cancellationToken);
        var metadata = new Dictionary<string, JsonElement> { ["lang"] = JsonSerializer.SerializeToElement("en") };

        await store.UpsertAsync(TenantA, "docs", [new VectorDocument("a", "new", metadata, TemporaryStore.UnitVector(5))], _cancellationToken);
        var info = await store.GetCollectionAsync(TenantA, "docs", _cancellationToken);
        var hits = await store.SearchAsync(TenantA, "docs", TemporaryStore.UnitVector(5), 5, null, _cancellationToken);

        Assert.Equal(1, info!.DocumentCount);
        var hit = Assert.Single(hits!);
        Assert.Equal("new", hit.Text);
        Assert.Equal(1f, hit.Score, precision: 5);
        Assert.Equal("en", hit.Metadata["lang"].GetString());
    }

    [Fact]
    public async Task UpsertAsync_MissingCollection_ReturnsNull()
    {
        using var store = _temporary.Open();

        var upserted = await store.UpsertAsync(TenantA, "missing", [TemporaryStore.Document("a", TemporaryStore.UnitVector(0))], _cancellationToken);

        Assert.Null(upserted);
    }

    [Fact]
    public async Task DeleteDocumentAsync_EachCase_ReportsOutcome()
    {
        using var store = _temporary.Open();
        await store.CreateCollectionAsync(TenantA, "docs", _cancellationToken);
        await store.UpsertAsync(
            TenantA,
            "docs",
            [TemporaryStore.Document("a", TemporaryStore.UnitVector(0)), TemporaryStore.Document("b", TemporaryStore.UnitVector(1)), TemporaryStore.Document("c", TemporaryStore.UnitVector(2))],
            _cancellationToken);

        var deleted = await store.DeleteDocumentAsync(TenantA, "docs", "a", _cancellationToken);
        var deletedAgain = await store.DeleteDocumentAsync(TenantA, "docs", "a", _cancellationToken);
        var noCollection = await store.DeleteDocumentAsync(TenantA, "other", "a", _cancellationToken);
        var hits = await store.SearchAsync(TenantA, "docs", TemporaryStore.UnitVector(2), 10, null, _cancellationToken);

        Assert.Equal(DocumentDeleteOutcome.Deleted, deleted);
        Assert.Equal(DocumentDeleteOutcome.DocumentNotFound, deletedAgain);
        Assert.Equal(DocumentDeleteOutcome.CollectionNotFound, noCollection);
        Assert.Equal(["c", "b"], hits!.Select(hit => hit.Id));
        Assert.Equal(1f, hits![0].Score, precision: 5);
    }

    [Fact]
    public async Task SearchAsync_SeveralDocuments_OrdersByDescendingScore()
    {
        using var store = _temporary.Open();
        await store.CreateCollectionAsync(TenantA, "docs", _cancellationToken);
        await store.UpsertAsync(
            TenantA,
            "docs",
            [
                TemporaryStore.Document("far", TemporaryStore.UnitVector(1)),
                TemporaryStore.Document("near", TemporaryStore.UnitVector(0, tilt: 0.2f)),
                TemporaryStore.Document("exact", TemporaryStore.UnitVector(0)),
                TemporaryStore.Document("middle", TemporaryStore.UnitVector(0, tilt: 1f)),
            ],
            _cancellationToken);

        var hits = await store.SearchAsync(TenantA, "docs", TemporaryStore.UnitVector(0), 3, null, _cancellationToken);

        Assert.Equal(["exact", "near", "middle"], hits!.Select(hit => hit.Id));
        Assert.True(hits![0].Score > hits[1].Score);
        Assert.True(hits[1].Score > hits[2].Score);
    }

    [Fact]
    public async Task SearchAsync_ScoreThreshold_LeavesOutWeakerMatches()
    {
        using var store = _temporary.Open();
        await store.CreateCollectionAsync(TenantA, "docs", _cancellationToken);
        await store.UpsertAsync(
            TenantA,
            "docs",
            [
                TemporaryStore.Document("exact", TemporaryStore.UnitVector(0)),
                TemporaryStore.Document("middle", TemporaryStore.UnitVector(0, tilt: 1f)),
                TemporaryStore.Document("orthogonal", TemporaryStore.UnitVector(7)),
            ],
            _cancellationToken);

        var hits = await store.SearchAsync(TenantA, "docs", TemporaryStore.UnitVector(0), 10, 0.5f, _cancellationToken);

        Assert.Equal(["exact", "middle"], hits!.Select(hit => hit.Id));
        Assert.All(hits!, hit => Assert.True(hit.Score >= 0.5f));
    }

    [Fact]
    public async Task Collections_SameNameInTwoTenants_AreIsolated()
    {
        using var store = _temporary.Open();
        await store.CreateCollectionAsync(TenantA, "docs", _cancellationToken);
        await store.CreateCollectionAsync(TenantB, "docs", _cancellationToken);
        await store.CreateCollectionAsync(TenantB, "only-b", _cancellationToken);

        await store.UpsertAsync(TenantA, "docs", [TemporaryStore.Document("secret-a", TemporaryStore.UnitVector(0))], _cancellationToken);
        await store.UpsertAsync(TenantB, "docs", [TemporaryStore.Document("secret-b", TemporaryStore.UnitVector(0))], _cancellationToken);
        var hitsA = await store.SearchAsync(TenantA, "docs", TemporaryStore.UnitVector(0), 10, null, _cancellationToken);
        var hitsB = await store.SearchAsync(TenantB, "docs", TemporaryStore.UnitVector(0), 10, null, _cancellationToken);
        var listA = await store.ListCollectionsAsync(TenantA, _cancellationToken);
        var deleteFromA = await store.DeleteDocumentAsync(TenantA, "docs", "secret-b", _cancellationToken);
        var onlyBFromA = await store.GetCollectionAsync(TenantA, "only-b", _cancellationToken);

        Assert.Equal(["secret-a"], hitsA!.Select(hit => hit.Id));
        Assert.Equal(["secret-b"], hitsB!.Select(hit => hit.Id));
        Assert.Equal(["docs"], listA.Select(collection => collection.Name));
        Assert.Equal(DocumentDeleteOutcome.DocumentNotFound, deleteFromA);
        Assert.Null(onlyBFromA);
    }

    [Fact]
    public async Task DeleteCollectionAsync_Existing_AllowsRecreation()
    {
        using var store = _temporary.Open();
        await store.CreateCollectionAsync(TenantA, "docs", _cancellationToken);
        await store.UpsertAsync(TenantA, "docs", [TemporaryStore.Document("a", TemporaryStore.UnitVector(0))], _cancellationToken);

        var deleted = await store.DeleteCollectionAsync(TenantA, "docs", _cancellationToken);
        var deletedAgain = await store.DeleteCollectionAsync(TenantA, "docs", _cancellationToken);
        var recreated = await store.CreateCollectionAsync(TenantA, "docs", _cancellationToken);

        Assert.True(deleted);
        Assert.False(deletedAgain);
        Assert.Equal(0, recreated!.DocumentCount);
        using var reopened = ReopenAfter(store);
        Assert.Equal(0, (await reopened.GetCollectionAsync(TenantA, "docs", _cancellationToken))!.DocumentCount);
    }

    [Fact]
    public async Task Open_AfterWrites_ReplaysCollectionsDocumentsAndDeletions()
    {
        var metadata = new Dictionary<string, JsonElement>
        {
            ["page"] = JsonSerializer.SerializeToElement(3),
            ["draft"] = JsonSerializer.SerializeToElement(true),
        };
        using (var store = _temporary.Open())
        {
            await store.CreateCollectionAsync(TenantA, "docs", _cancellationToken);
            await store.CreateCollectionAsync(TenantB, "..", _cancellationToken);
            await store.UpsertAsync(
                TenantA,
                "docs",
                [new VectorDocument("a", "text a", metadata, TemporaryStore.UnitVector(0)), TemporaryStore.Document("b", TemporaryStore.UnitVector(1))],
                _cancellationToken);
            await store.UpsertAsync(TenantA, "docs", [TemporaryStore.Document("c", TemporaryStore.UnitVector(2))], _cancellationToken);
            await store.DeleteDocumentAsync(TenantA, "docs", "b", _cancellationToken);
        }

        using var reopened = _temporary.Open();
        var hits = await reopened.SearchAsync(TenantA, "docs", TemporaryStore.UnitVector(0), 10, null, _cancellationToken);
        var dotDot = await reopened.GetCollectionAsync(TenantB, "..", _cancellationToken);

        Assert.Equal(["a", "c"], hits!.Select(hit => hit.Id));
        Assert.Equal("text a", hits![0].Text);
        Assert.Equal(3, hits[0].Metadata["page"].GetInt32());
        Assert.True(hits[0].Metadata["draft"].GetBoolean());
        Assert.NotNull(dotDot);
    }

    [Fact]
    public async Task Open_TornLastRecord_KeepsEarlierRecords()
    {
        using (var store = _temporary.Open())
        {
            await store.CreateCollectionAsync(TenantA, "docs", _cancellationToken);
            await store.UpsertAsync(TenantA, "docs", [TemporaryStore.Document("kept", TemporaryStore.UnitVector(0))], _cancellationToken);
            await store.UpsertAsync(TenantA, "docs", [TemporaryStore.Document("torn", TemporaryStore.UnitVector(1))], _cancellationToken);
        }

        var path = _temporary.SingleLogPath();
        var lengthBeforeTear = new FileInfo(path).Length;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            // Cut the last record in the middle of its vector, as a crash during the write would.
            file.SetLength(lengthBeforeTear - 700);
        }

        using (var reopened = _temporary.Open())
        {
            var hits = await reopened.SearchAsync(TenantA, "docs", TemporaryStore.UnitVector(0), 10, null, _cancellationToken);
            Assert.Equal(["kept"], hits!.Select(hit => hit.Id));

            await reopened.UpsertAsync(TenantA, "docs", [TemporaryStore.Document("after", TemporaryStore.UnitVector(2))], _cancellationToken);
        }

        using var reopenedAgain = _temporary.Open();
        var info = await reopenedAgain.GetCollectionAsync(TenantA, "docs", _cancellationToken);
        Assert.Equal(2, info!.DocumentCount);
    }

    [Fact]
    public async Task Open_ZeroFilledTail_IsTruncated()
    {
        using (var store = _temporary.Open())
        {
            await store.CreateCollectionAsync(TenantA, "docs", _cancellationToken);
            await store.UpsertAsync(TenantA, "docs", [TemporaryStore.Document("kept", TemporaryStore.UnitVector(0))], _cancellationToken);
        }

        var path = _temporary.SingleLogPath();
        var lengthBefore = new FileInfo(path).Length;
        await File.AppendAllBytesAsync(path, new byte[4096], _cancellationToken);

        using var reopened = _temporary.Open();
        var info = await reopened.GetCollectionAsync(TenantA, "docs", _cancellationToken);
        Assert.Equal(1, info!.DocumentCount);
        Assert.Equal(lengthBefore, new FileInfo(path).Length);
    }

    [Fact]
    public async Task Open_DamagedMiddleRecord_Throws()
    {
        using (var store = _temporary.Open())
        {
            await store.CreateCollectionAsync(TenantA, "docs", _cancellationToken);
            await store.UpsertAsync(TenantA, "docs", [TemporaryStore.Document("first", TemporaryStore.UnitVector(0))], _cancellationToken);
            await store.UpsertAsync(TenantA, "docs", [TemporaryStore.Document("second", TemporaryStore.UnitVector(1))], _cancellationToken);
        }

        var path = _temporary.SingleLogPath();
        var bytes = await File.ReadAllBytesAsync(path, _cancellationToken);

        // Flip a byte inside the first upsert's vector (the header takes about 30 bytes, one
        // upsert about 1,570); the second upsert still follows it.
        bytes[200] ^= 0xFF;
        await File.WriteAllBytesAsync(path, bytes, _cancellationToken);

        var exception = Assert.Throws<InvalidDataException>(() => _temporary.Open());
        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_IncompleteHeader_DeletesLog()
    {
        var path = Path.Combine(_temporary.DataDirectory, TenantA.ToString("N"), "646f6373.vlog");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(path, [0x20, 0x00, 0x00], _cancellationToken);

        using var store = _temporary.Open();

        Assert.Empty(await store.ListCollectionsAsync(TenantA, _cancellationToken));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task UpsertAndSearch_ConcurrentTasks_LeaveConsistentCount()
    {
        const int Writers = 4;
        const int BatchesPerWriter = 10;
        const int DocumentsPerBatch = 5;
        using var store = _temporary.Open();
        await store.CreateCollectionAsync(TenantA, "docs", _cancellationToken);
        using var writersDone = new CancellationTokenSource();

        var writers = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            for (var batch = 0; batch < BatchesPerWriter; batch++)
            {
                var documents = Enumerable.Range(0, DocumentsPerBatch)
                    .Select(i => TemporaryStore.Document($"w{writer}-b{batch}-d{i}", TemporaryStore.UnitVector((writer * 50) + (batch * 5) + i)))
                    .ToList();
                await store.UpsertAsync(TenantA, "docs", documents, _cancellationToken);

                // Replace one earlier document too, so replacements race with searches as well.
                await store.UpsertAsync(TenantA, "docs", [TemporaryStore.Document($"w{writer}-b0-d0", TemporaryStore.UnitVector(writer))], _cancellationToken);
            }
        }, _cancellationToken)).ToList();
        var searchers = Enumerable.Range(0, 2).Select(searcher => Task.Run(async () =>
        {
            var searches = 0;
            while (!writersDone.IsCancellationRequested || searches == 0)
            {
                var hits = await store.SearchAsync(TenantA, "docs", TemporaryStore.UnitVector(searcher), 20, null, _cancellationToken);
                Assert.NotNull(hits);
                Assert.Equal(hits!.Count, hits.Select(hit => hit.Id).Distinct().Count());
                searches++;
            }
        }, _cancellationToken)).ToList();

        await Task.WhenAll(writers);
        await writersDone.CancelAsync();
        await Task.WhenAll(searchers);

        const int Expected = Writers * BatchesPerWriter * DocumentsPerBatch;
        Assert.Equal(Expected, (await store.GetCollectionAsync(TenantA, "docs", _cancellationToken))!.DocumentCount);
        using var reopened = ReopenAfter(store);
        Assert.Equal(Expected, (await reopened.GetCollectionAsync(TenantA, "docs", _cancellationToken))!.DocumentCount);
    }

    private EmbeddedVectorStore ReopenAfter(EmbeddedVectorStore store)
    {
        store.Dispose();
        return _temporary.Open();
    }
}
