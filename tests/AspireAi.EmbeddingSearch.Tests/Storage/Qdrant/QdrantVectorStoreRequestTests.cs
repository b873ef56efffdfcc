using System.Text.Json;
using AspireAi.EmbeddingSearch.Storage;
using AspireAi.EmbeddingSearch.Storage.Qdrant;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace AspireAi.EmbeddingSearch.Tests.Storage.Qdrant;

public sealed class QdrantVectorStoreRequestTests
{
    private static readonly Guid Tenant = Guid.Parse("0b7c2f3e-1111-4a5b-9c8d-000000000001");
    private static readonly string TenantHex = Tenant.ToString("N");
    private static readonly string CollectionName = QdrantVectorStore.CollectionName(Tenant, "docs");

    private readonly RecordingCallInvoker _invoker = new();
    private readonly CancellationToken _cancellationToken = TestContext.Current.CancellationToken;

    [Fact]
    public void CollectionName_EncodesTenantAndNameAsHex()
    {
        Assert.Equal($"aspireai-{TenantHex}-646f6373", CollectionName);
        Assert.NotEqual(QdrantVectorStore.CollectionName(Tenant, "Docs"), CollectionName);
    }

    [Fact]
    public async Task CreateCollectionAsync_New_SendsConfigAndIndexes()
    {
        _invoker
            .On("/qdrant.Collections/CollectionExists", _ => new CollectionExistsResponse { Result = new CollectionExists { Exists = false } })
            .On("/qdrant.Collections/Create", _ => new CollectionOperationResponse { Result = true });
        var store = CreateStore();
        var indexed = new Dictionary<string, MetadataFieldType> { ["year"] = MetadataFieldType.Integer, ["lang"] = MetadataFieldType.Keyword };

        var info = await store.CreateCollectionAsync(Tenant, new CollectionDefinition("docs", 384, indexed), _cancellationToken);

        var create = Assert.Single(_invoker.Requests<CreateCollection>());
        Assert.Equal(CollectionName, create.CollectionName);
        Assert.Equal(384ul, create.VectorsConfig.Params.Size);
        Assert.Equal(Distance.Cosine, create.VectorsConfig.Params.Distance);
        Assert.Equal("docs", create.Metadata["aspireai_collection"].StringValue);
        Assert.Equal(TenantHex, create.Metadata["aspireai_tenant_id"].StringValue);
        Assert.Equal("Integer", create.Metadata["aspireai_indexed_metadata"].StructValue.Fields["year"].StringValue);

        var indexes = _invoker.Requests<CreateFieldIndexCollection>();
        Assert.All(indexes, index => Assert.Equal(CollectionName, index.CollectionName));
        Assert.All(indexes, index => Assert.True(index.Wait));
        Assert.Equal(
            [("tenant_id", FieldType.Keyword), ("document_id", FieldType.Keyword), ("chunk_index", FieldType.Integer), ("metadata.lang", FieldType.Keyword), ("metadata.year", FieldType.Integer)],
            indexes.Select(index => (index.FieldName, index.FieldType)));
        Assert.True(indexes[0].FieldIndexParams.KeywordIndexParams.IsTenant);

        // The collection and its indexes come before any point, so every upsert lands indexed.
        Assert.DoesNotContain(_invoker.Calls, call => call.Method.StartsWith("/qdrant.Points/Upsert", StringComparison.Ordinal));
        Assert.NotNull(info);
        Assert.Equal(384, info.Dimensions);
    }

    [Fact]
    public async Task CreateCollectionAsync_Existing_ReturnsNull()
    {
        _invoker.On("/qdrant.Collections/CollectionExists", _ => new CollectionExistsResponse { Result = new CollectionExists { Exists = true } });
        var store = CreateStore();

        var info = await store.CreateCollectionAsync(Tenant, new CollectionDefinition("docs", 384, new Dictionary<string, MetadataFieldType>()), _cancellationToken);

        Assert.Null(info);
        Assert.Empty(_invoker.Requests<CreateCollection>());
    }

    [Fact]
    public async Task UpsertAsync_Chunks_SendBatchedPoints()
    {
        var store = CreateStore(upsertBatchSize: 2);
        var metadata = new Dictionary<string, JsonElement>
        {
            ["lang"] = JsonSerializer.SerializeToElement("en"),
            ["year"] = JsonSerializer.SerializeToElement(2024),
            ["rating"] = JsonSerializer.SerializeToElement(4.5),
            ["draft"] = JsonSerializer.SerializeToElement(false),
        };
        VectorDocument[] documents =
        [
            new("long", metadata, [new DocumentChunk("first part", TemporaryStore.UnitVector(0)), new DocumentChunk("second part", TemporaryStore.UnitVector(1))]),
            new("short", "only part", new Dictionary<string, JsonElement>(), TemporaryStore.UnitVector(2)),
        ];

        var upserted = await store.UpsertAsync(Tenant, "docs", documents, _cancellationToken);

        Assert.Equal(2, upserted);
        var batches = _invoker.Requests<UpsertPoints>();
        Assert.Equal([2, 1], batches.Select(batch => batch.Points.Count));
        Assert.All(batches, batch => Assert.True(batch.Wait));
        Assert.All(batches, batch => Assert.Equal(CollectionName, batch.CollectionName));

        var points = batches.SelectMany(batch => batch.Points).ToList();
        Assert.Equal(
            [PointIds.For(Tenant, "docs", "long", 0), PointIds.For(Tenant, "docs", "long", 1), PointIds.For(Tenant, "docs", "short", 0)],
            points.Select(point => Guid.Parse(point.Id.Uuid)));
        var second = points[1];
        Assert.Equal(TenantHex, second.Payload["tenant_id"].StringValue);
        Assert.Equal("long", second.Payload["document_id"].StringValue);
        Assert.Equal(1, second.Payload["chunk_index"].IntegerValue);
        Assert.Equal(2, second.Payload["chunk_count"].IntegerValue);
        Assert.Equal("second part", second.Payload["text"].StringValue);
        var storedMetadata = second.Payload["metadata"].StructValue.Fields;
        Assert.Equal("en", storedMetadata["lang"].StringValue);
        Assert.Equal(2024, storedMetadata["year"].IntegerValue);
        Assert.Equal(4.5, storedMetadata["rating"].DoubleValue);
        Assert.False(storedMetadata["draft"].BoolValue);
        Assert.Equal(TemporaryStore.UnitVector(1), DenseData(second.Vectors.Vector));
    }

    [Fact]
    public async Task UpsertAsync_Replacement_DeletesStaleChunks()
    {
        var store = CreateStore();
        VectorDocument[] documents =
        [
            new("long", new Dictionary<string, JsonElement>(), [new DocumentChunk("a", TemporaryStore.UnitVector(0)), new DocumentChunk("b", TemporaryStore.UnitVector(1))]),
            new("short", "c", new Dictionary<string, JsonElement>(), TemporaryStore.UnitVector(2)),
        ];

        await store.UpsertAsync(Tenant, "docs", documents, _cancellationToken);

        Assert.Equal(["/qdrant.Points/Upsert", "/qdrant.Points/Delete"], _invoker.Calls.Select(call => call.Method));
        var delete = Assert.Single(_invoker.Requests<DeletePoints>());
        Assert.True(delete.Wait);
        var filter = delete.Points.Filter;
        Assert.Equal(TenantHex, filter.Must[0].Field.Match.Keyword);
        var stale = filter.Must[1].Filter.Should;
        Assert.Equal(2, stale.Count);
        Assert.Equal("long", stale[0].Filter.Must[0].Field.Match.Keyword);
        Assert.Equal("chunk_index", stale[0].Filter.Must[1].Field.Key);
        Assert.Equal(2, stale[0].Filter.Must[1].Field.Range.Gte);
        Assert.Equal("short", stale[1].Filter.Must[0].Field.Match.Keyword);
        Assert.Equal(1, stale[1].Filter.Must[1].Field.Range.Gte);
    }

    [Fact]
    public async Task UpsertAsync_MissingCollection_ReturnsNull()
    {
        _invoker.Fail("/qdrant.Points/Upsert", StatusCode.NotFound);
        var store = CreateStore();

        var upserted = await store.UpsertAsync(Tenant, "docs", [new VectorDocument("a", "a", new Dictionary<string, JsonElement>(), TemporaryStore.UnitVector(0))], _cancellationToken);

        Assert.Null(upserted);
    }

    [Fact]
    public async Task UpsertAsync_SecondBatchUnavailable_Throws()
    {
        _invoker.Fail("/qdrant.Points/Upsert", StatusCode.Unavailable, succeedingCalls: 1);
        var store = CreateStore(upsertBatchSize: 1);
        VectorDocument[] documents =
        [
            new("a", "a", new Dictionary<string, JsonElement>(), TemporaryStore.UnitVector(0)),
            new("b", "b", new Dictionary<string, JsonElement>(), TemporaryStore.UnitVector(1)),
            new("c", "c", new Dictionary<string, JsonElement>(), TemporaryStore.UnitVector(2)),
        ];

        var exception = await Assert.ThrowsAsync<RpcException>(() => store.UpsertAsync(Tenant, "docs", documents, _cancellationToken));

        Assert.Equal(StatusCode.Unavailable, exception.StatusCode);
        Assert.Equal(["/qdrant.Points/Upsert", "/qdrant.Points/Upsert"], _invoker.Calls.Select(call => call.Method));
    }

    [Fact]
    public async Task UpsertAsync_ClosedPort_ThrowsUnavailable()
    {
        using var client = new QdrantClient("127.0.0.1", ClosedPort(), https: false, grpcTimeout: TimeSpan.FromSeconds(10));
        var store = new QdrantVectorStore(client, Options.Create(new EmbeddingSearchOptions()), TimeProvider.System);
        VectorDocument[] documents = [new("a", "a", new Dictionary<string, JsonElement>(), TemporaryStore.UnitVector(0))];

        var exception = await Assert.ThrowsAsync<RpcException>(() => store.UpsertAsync(Tenant, "docs", documents, _cancellationToken));

        Assert.Equal(StatusCode.Unavailable, exception.StatusCode);
    }

    [Fact]
    public async Task SearchAsync_Filter_SendsTenantScopedQuery()
    {
        var hitPayload = new ScoredPoint { Score = 0.75f, Id = PointIds.For(Tenant, "docs", "a", 1) };
        hitPayload.Payload["document_id"] = "a";
        hitPayload.Payload["chunk_index"] = 1;
        hitPayload.Payload["text"] = "chunk text";
        hitPayload.Payload["metadata"] = QdrantPayload.ToStructValue(new Dictionary<string, JsonElement> { ["lang"] = JsonSerializer.SerializeToElement("en") });
        _invoker.On("/qdrant.Points/Query", _ => new QueryResponse { Result = { hitPayload } });
        var store = CreateStore();
        var filter = new AndFilter([new EqualsFilter("lang", JsonSerializer.SerializeToElement("en")), new RangeFilter("year", null, 2020, 2025, null)]);

        var hits = await store.SearchAsync(Tenant, "docs", new VectorQuery(TemporaryStore.UnitVector(3), 7, 0.25f, filter), _cancellationToken);

        var query = Assert.Single(_invoker.Requests<QueryPoints>());
        Assert.Equal(CollectionName, query.CollectionName);
        Assert.Equal(TemporaryStore.UnitVector(3), DenseData(query.Query.Nearest));
        Assert.Equal(7ul, query.Limit);
        Assert.Equal(0.25f, query.ScoreThreshold);
        Assert.True(query.WithPayload.Enable);
        Assert.Equal(TenantHex, query.Filter.Must[0].Field.Match.Keyword);
        var and = query.Filter.Must[1].Filter.Must;
        Assert.Equal("metadata.lang", and[0].Field.Key);
        Assert.Equal("en", and[0].Field.Match.Keyword);
        Assert.Equal("metadata.year", and[1].Field.Key);
        Assert.Equal(2020, and[1].Field.Range.Gte);
        Assert.Equal(2025, and[1].Field.Range.Lt);
        Assert.False(and[1].Field.Range.HasGt);
        Assert.False(and[1].Field.Range.HasLte);

        var hit = Assert.Single(hits!);
        Assert.Equal(("a", 1, 0.75f, "chunk text"), (hit.Id, hit.ChunkIndex, hit.Score, hit.Text));
        Assert.Equal("en", hit.Metadata["lang"].GetString());
    }

    [Fact]
    public async Task SearchAsync_MissingCollection_ReturnsNull()
    {
        _invoker.Fail("/qdrant.Points/Query", StatusCode.NotFound);
        var store = CreateStore();

        var hits = await store.SearchAsync(Tenant, "docs", new VectorQuery(TemporaryStore.UnitVector(0), 5), _cancellationToken);

        Assert.Null(hits);
    }

    [Fact]
    public async Task DeleteDocumentAsync_Existing_DeletesAllChunks()
    {
        _invoker.On("/qdrant.Points/Count", _ => new CountResponse { Result = new CountResult { Count = 3 } });
        var store = CreateStore();

        var outcome = await store.DeleteDocumentAsync(Tenant, "docs", "doc-1", _cancellationToken);

        Assert.Equal(DocumentDeleteOutcome.Deleted, outcome);
        var delete = Assert.Single(_invoker.Requests<DeletePoints>());
        Assert.Equal(TenantHex, delete.Points.Filter.Must[0].Field.Match.Keyword);
        Assert.Equal("document_id", delete.Points.Filter.Must[1].Field.Key);
        Assert.Equal("doc-1", delete.Points.Filter.Must[1].Field.Match.Keyword);
        Assert.True(delete.Wait);
    }

    [Fact]
    public async Task DeleteDocumentAsync_UnknownDocument_DeletesNothing()
    {
        _invoker.On("/qdrant.Points/Count", _ => new CountResponse { Result = new CountResult { Count = 0 } });
        var store = CreateStore();

        var outcome = await store.DeleteDocumentAsync(Tenant, "docs", "doc-1", _cancellationToken);

        Assert.Equal(DocumentDeleteOutcome.DocumentNotFound, outcome);
        Assert.Empty(_invoker.Requests<DeletePoints>());
    }

    [Fact]
    public async Task CountDocumentsAsync_Filter_CountsFirstChunksExactly()
    {
        _invoker.On("/qdrant.Points/Count", _ => new CountResponse { Result = new CountResult { Count = 12 } });
        var store = CreateStore();
        var filter = new AnyOfFilter("lang", [JsonSerializer.SerializeToElement("en"), JsonSerializer.SerializeToElement("de")]);

        var count = await store.CountDocumentsAsync(Tenant, "docs", filter, _cancellationToken);

        Assert.Equal(12, count);
        var request = Assert.Single(_invoker.Requests<CountPoints>());
        Assert.True(request.Exact);
        Assert.Equal("chunk_index", request.Filter.Must[1].Field.Key);
        Assert.Equal(0, request.Filter.Must[1].Field.Match.Integer);
        Assert.Equal("metadata.lang", request.Filter.Must[2].Field.Key);
        Assert.Equal(["en", "de"], request.Filter.Must[2].Field.Match.Keywords.Strings);
    }

    [Fact]
    public async Task ListDocumentsAsync_PageToken_ScrollsFromPoint()
    {
        var next = PointIds.For(Tenant, "docs", "b", 0);
        var point = new RetrievedPoint { Id = PointIds.For(Tenant, "docs", "a", 0) };
        point.Payload["document_id"] = "a";
        point.Payload["chunk_count"] = 4;
        _invoker.On("/qdrant.Points/Scroll", _ => new ScrollResponse { Result = { point }, NextPageOffset = next });
        var store = CreateStore();
        var offset = PointIds.For(Tenant, "docs", "0", 0);

        var page = await store.ListDocumentsAsync(Tenant, "docs", 10, offset.ToString("N"), _cancellationToken);

        var request = Assert.Single(_invoker.Requests<ScrollPoints>());
        Assert.Equal(10u, request.Limit);
        Assert.Equal(offset, Guid.Parse(request.Offset.Uuid));
        Assert.False(request.WithVectors.Enable);
        var document = Assert.Single(page!.Documents);
        Assert.Equal(("a", 4), (document.Id, document.ChunkCount));
        Assert.Equal(next.ToString("N"), page.NextPageToken);
    }

    [Fact]
    public async Task ListDocumentsAsync_ForeignToken_Throws()
    {
        var store = CreateStore();

        await Assert.ThrowsAsync<FormatException>(() => store.ListDocumentsAsync(Tenant, "docs", 10, "not-a-token", _cancellationToken));
        Assert.Empty(_invoker.Calls);
    }

    [Fact]
    public async Task GetCollectionAsync_Metadata_ReadsSchema()
    {
        var info = new global::Qdrant.Client.Grpc.CollectionInfo
        {
            Config = new CollectionConfig
            {
                Params = new CollectionParams { VectorsConfig = new VectorsConfig { Params = new VectorParams { Size = 384, Distance = Distance.Cosine } } },
            },
        };
        info.Config.Metadata["aspireai_collection"] = "docs";
        info.Config.Metadata["aspireai_created_at_ms"] = 1_700_000_000_000L;
        var indexed = new Struct();
        indexed.Fields["year"] = "Integer";
        info.Config.Metadata["aspireai_indexed_metadata"] = new Value { StructValue = indexed };
        _invoker
            .On("/qdrant.Collections/Get", _ => new GetCollectionInfoResponse { Result = info })
            .On("/qdrant.Points/Count", _ => new CountResponse { Result = new CountResult { Count = 9 } });
        var store = CreateStore();

        var collection = await store.GetCollectionAsync(Tenant, "docs", _cancellationToken);

        Assert.NotNull(collection);
        Assert.Equal(("docs", 9L, 384), (collection.Name, collection.DocumentCount, collection.Dimensions));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000L), collection.CreatedAt);
        Assert.Equal(MetadataFieldType.Integer, collection.IndexedMetadata["year"]);
    }

    [Fact]
    public async Task ListCollectionsAsync_OtherTenant_IsNeverRead()
    {
        var otherTenant = Guid.Parse("0b7c2f3e-2222-4a5b-9c8d-000000000002");
        _invoker.On("/qdrant.Collections/List", _ => new ListCollectionsResponse
        {
            Collections = { new CollectionDescription { Name = QdrantVectorStore.CollectionName(otherTenant, "docs") }, new CollectionDescription { Name = "unrelated" } },
        });
        var store = CreateStore();

        var collections = await store.ListCollectionsAsync(Tenant, _cancellationToken);

        Assert.Empty(collections);
        Assert.Equal(["/qdrant.Collections/List"], _invoker.Calls.Select(call => call.Method));
    }

    /// <summary>Returns a loopback port that nothing listens on: one the system just assigned and released.</summary>
    internal static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static float[] DenseData(Vector vector) => vector.Dense?.Data.ToArray() ?? [];

    private static float[] DenseData(VectorInput input) => input.Dense?.Data.ToArray() ?? [];

    private QdrantVectorStore CreateStore(int upsertBatchSize = 256)
    {
        var client = new QdrantClient(new QdrantGrpcClient(_invoker));
        var options = new EmbeddingSearchOptions { Qdrant = { UpsertBatchSize = upsertBatchSize } };
        return new QdrantVectorStore(client, Options.Create(options), TimeProvider.System);
    }
}
