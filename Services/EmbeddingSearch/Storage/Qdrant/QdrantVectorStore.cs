using System.Globalization;
using System.Text;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantCollectionInfo = Qdrant.Client.Grpc.CollectionInfo;
using QdrantRange = Qdrant.Client.Grpc.Range;

namespace AspireAi.EmbeddingSearch.Storage.Qdrant;

/// <summary>
/// Stores each tenant's collections in Qdrant over gRPC, one Qdrant collection per AspireAi
/// collection, named <c>aspireai-{tenant id}-{hex of the name}</c>.
/// </summary>
/// <remarks>
/// <para>
/// Each AspireAi collection gets its own Qdrant collection, not a share of one collection partitioned
/// by a tenant field. Each AspireAi collection declares its own metadata fields and types, and a
/// Qdrant payload index covers a whole collection, so in a shared collection one tenant's
/// "year: integer" would clash with another's "year: keyword". Deleting a collection is also one
/// call, and each collection keeps its own vector size. The cost is Qdrant's fixed overhead per
/// collection, which matters at thousands of collections per node.
/// </para>
/// <para>
/// Every point still carries the tenant id, indexed as Qdrant's tenant field, and every read and
/// delete filters on it, so even a wrongly derived collection name cannot return another tenant's points.
/// </para>
/// </remarks>
public sealed class QdrantVectorStore(QdrantClient client, IOptions<EmbeddingSearchOptions> options, TimeProvider timeProvider) : IVectorStore
{
    private const string CollectionPrefix = "aspireai-";
    private const string TenantMetadataKey = "aspireai_tenant_id";
    private const string NameMetadataKey = "aspireai_collection";
    private const string CreatedAtMetadataKey = "aspireai_created_at_ms";
    private const string IndexedMetadataKey = "aspireai_indexed_metadata";

    private readonly int _upsertBatchSize = options.Value.Qdrant.UpsertBatchSize;

    /// <summary>Returns the Qdrant collection name of a tenant's collection.</summary>
    public static string CollectionName(Guid tenantId, string name) =>
        TenantPrefix(tenantId) + Convert.ToHexStringLower(Encoding.UTF8.GetBytes(name));

    /// <inheritdoc />
    public async Task<CollectionInfo?> CreateCollectionAsync(Guid tenantId, CollectionDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);

        var collectionName = CollectionName(tenantId, definition.Name);
        if (await client.CollectionExistsAsync(collectionName, cancellationToken))
        {
            return null;
        }

        var createdAt = timeProvider.GetUtcNow();
        var request = new CreateCollection
        {
            CollectionName = collectionName,
            VectorsConfig = new VectorsConfig
            {
                Params = new VectorParams { Size = checked((ulong)definition.Dimensions), Distance = Distance.Cosine },
            },
        };
        request.Metadata[TenantMetadataKey] = QdrantPayload.TenantValue(tenantId);
        request.Metadata[NameMetadataKey] = definition.Name;
        request.Metadata[CreatedAtMetadataKey] = createdAt.ToUnixTimeMilliseconds();
        var indexed = new Struct();
        foreach (var (key, type) in definition.IndexedMetadata)
        {
            indexed.Fields[key] = type.ToString();
        }

        request.Metadata[IndexedMetadataKey] = new Value { StructValue = indexed };

        try
        {
            await client.CreateCollectionAsync(request, cancellationToken);
        }
        catch (RpcException)
        {
            // A concurrent request that created it first makes this one fail; that is a conflict, not an error.
            if (await client.CollectionExistsAsync(collectionName, CancellationToken.None))
            {
                return null;
            }

            throw;
        }

        try
        {
            await CreatePayloadIndexesAsync(collectionName, definition, cancellationToken);
        }
        catch (Exception exception) when (exception is RpcException or QdrantException or OperationCanceledException)
        {
            // Without its indexes the collection would filter slowly and report the wrong schema, so
            // the creation is undone and reported as failed.
            await client.DeleteCollectionAsync(collectionName, cancellationToken: CancellationToken.None);
            throw;
        }

        return new CollectionInfo(definition.Name, 0, createdAt, definition.Dimensions, definition.IndexedMetadata);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<CollectionInfo>> ListCollectionsAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        var prefix = TenantPrefix(tenantId);
        var names = await client.ListCollectionsAsync(cancellationToken);
        var collections = new List<CollectionInfo>();
        foreach (var collectionName in names.Where(name => name.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            if (await ReadCollectionAsync(tenantId, collectionName, cancellationToken) is { } info)
            {
                collections.Add(info);
            }
        }

        return collections.OrderBy(info => info.Name, StringComparer.Ordinal).ToList();
    }

    /// <inheritdoc />
    public Task<CollectionInfo?> GetCollectionAsync(Guid tenantId, string name, CancellationToken cancellationToken) =>
        ReadCollectionAsync(tenantId, CollectionName(tenantId, name), cancellationToken);

    /// <inheritdoc />
    public async Task<bool> DeleteCollectionAsync(Guid tenantId, string name, CancellationToken cancellationToken)
    {
        var collectionName = CollectionName(tenantId, name);
        if (!await client.CollectionExistsAsync(collectionName, cancellationToken))
        {
            return false;
        }

        try
        {
            await client.DeleteCollectionAsync(collectionName, cancellationToken: cancellationToken);
            return true;
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public async Task<int?> UpsertAsync(Guid tenantId, string name, IReadOnlyList<VectorDocument> documents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);

        var collectionName = CollectionName(tenantId, name);
        var points = documents
            .SelectMany(document => Enumerable.Range(0, document.Chunks.Count).Select(chunk => QdrantPayload.ToPoint(tenantId, name, document, chunk)))
            .ToList();
        try
        {
            // wait: true returns only once Qdrant has applied and persisted the batch to its write-ahead log.
            // A failed batch throws out of the loop, so a partly written upsert is never reported as a
            // success. The batches before it stay stored, and a retry overwrites them by point id.
            foreach (var batch in points.Chunk(_upsertBatchSize))
            {
                await client.UpsertAsync(collectionName, batch, wait: true, cancellationToken: cancellationToken);
            }

            // The new chunks overwrote the old ones with the same index. Chunks beyond the new
            // count are left from a longer earlier version, so they are deleted now.
            var stale = new Filter();
            foreach (var document in documents)
            {
                var olderChunks = new Filter();
                olderChunks.Must.Add(Conditions.MatchKeyword(QdrantPayload.DocumentField, document.Id));
                olderChunks.Must.Add(Conditions.Range(QdrantPayload.ChunkIndexField, new QdrantRange { Gte = document.Chunks.Count }));
                stale.Should.Add(Conditions.Filter(olderChunks));
            }

            await client.DeleteAsync(collectionName, QdrantPayload.ForTenant(tenantId, null, Conditions.Filter(stale)), wait: true, cancellationToken: cancellationToken);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            return null;
        }

        return documents.Count;
    }

    /// <inheritdoc />
    public async Task<DocumentDeleteOutcome> DeleteDocumentAsync(Guid tenantId, string name, string documentId, CancellationToken cancellationToken)
    {
        var collectionName = CollectionName(tenantId, name);
        var ofDocument = QdrantPayload.ForTenant(tenantId, null, Conditions.MatchKeyword(QdrantPayload.DocumentField, documentId));
        try
        {
            if (await client.CountAsync(collectionName, ofDocument, exact: true, cancellationToken: cancellationToken) == 0)
            {
                return DocumentDeleteOutcome.DocumentNotFound;
            }

            await client.DeleteAsync(collectionName, ofDocument, wait: true, cancellationToken: cancellationToken);
            return DocumentDeleteOutcome.Deleted;
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            return DocumentDeleteOutcome.CollectionNotFound;
        }
    }

    /// <inheritdoc />
    public async Task<DocumentPage?> ListDocumentsAsync(Guid tenantId, string name, int limit, string? pageToken, CancellationToken cancellationToken)
    {
        PointId? offset = null;
        if (pageToken is not null)
        {
            offset = Guid.TryParseExact(pageToken, "N", out var pointId)
                ? pointId
                : throw new FormatException($"The page token '{pageToken}' is not one this store issued.");
        }

        var payload = new WithPayloadSelector { Include = new PayloadIncludeSelector() };
        payload.Include.Fields.Add([QdrantPayload.DocumentField, QdrantPayload.ChunkCountField, QdrantPayload.MetadataField]);
        try
        {
            var response = await client.ScrollAsync(
                CollectionName(tenantId, name),
                DocumentsOf(tenantId, null),
                checked((uint)limit),
                offset,
                payload,
                vectorsSelector: false,
                cancellationToken: cancellationToken);
            var documents = response.Result
                .Select(point => new DocumentSummary(
                    QdrantPayload.ReadString(point.Payload, QdrantPayload.DocumentField),
                    QdrantPayload.ReadInt(point.Payload, QdrantPayload.ChunkCountField, 1),
                    QdrantPayload.ToMetadata(point.Payload.GetValueOrDefault(QdrantPayload.MetadataField))))
                .ToList();
            var next = response.NextPageOffset is { Uuid: { Length: > 0 } uuid } ? Guid.Parse(uuid, CultureInfo.InvariantCulture).ToString("N") : null;
            return new DocumentPage(documents, next);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<long?> CountDocumentsAsync(Guid tenantId, string name, MetadataFilter? filter, CancellationToken cancellationToken)
    {
        try
        {
            return checked((long)await client.CountAsync(CollectionName(tenantId, name), DocumentsOf(tenantId, filter), exact: true, cancellationToken: cancellationToken));
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SearchHit>?> SearchAsync(Guid tenantId, string name, VectorQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);

        IReadOnlyList<ScoredPoint> points;
        try
        {
            // The query API's nearest-neighbour query; the older Search call is deprecated in Qdrant.Client 1.20.
            // Hybrid search would be a query with two prefetches (this dense vector and a sparse keyword
            // vector) fused by RRF. It is left out because it needs a sparse vector in every collection
            // and point, and the embedded index has no keyword index to give the same results.
            points = await client.QueryAsync(
                CollectionName(tenantId, name),
                query: query.Vector.ToArray(),
                filter: QdrantPayload.ForTenant(tenantId, query.Filter),
                scoreThreshold: query.ScoreThreshold,
                limit: checked((ulong)query.Limit),
                payloadSelector: true,
                cancellationToken: cancellationToken);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            return null;
        }

        var hits = points
            .Select(point => new SearchHit(
                QdrantPayload.ReadString(point.Payload, QdrantPayload.DocumentField),
                QdrantPayload.ReadInt(point.Payload, QdrantPayload.ChunkIndexField, 0),
                Math.Clamp(point.Score, -1f, 1f),
                QdrantPayload.ReadString(point.Payload, QdrantPayload.TextField),
                QdrantPayload.ToMetadata(point.Payload.GetValueOrDefault(QdrantPayload.MetadataField))))
            .ToList();

        // The same order as the embedded index: equal scores by document id, then chunk index.
        hits.Sort(static (left, right) =>
        {
            var byScore = right.Score.CompareTo(left.Score);
            if (byScore != 0)
            {
                return byScore;
            }

            var byId = string.CompareOrdinal(left.Id, right.Id);
            return byId != 0 ? byId : left.ChunkIndex.CompareTo(right.ChunkIndex);
        });
        return hits;
    }

    private static string TenantPrefix(Guid tenantId) => CollectionPrefix + QdrantPayload.TenantValue(tenantId) + "-";

    /// <summary>Selects the first chunk of every matching document, so each document counts once.</summary>
    private static Filter DocumentsOf(Guid tenantId, MetadataFilter? filter) =>
        QdrantPayload.ForTenant(tenantId, filter, Conditions.Match(QdrantPayload.ChunkIndexField, 0L));

    private async Task CreatePayloadIndexesAsync(string collectionName, CollectionDefinition definition, CancellationToken cancellationToken)
    {
        // The indexes exist before the first upsert, so Qdrant never has to index existing points.
        var tenantIndex = new PayloadIndexParams { KeywordIndexParams = new KeywordIndexParams { IsTenant = true } };
        await client.CreatePayloadIndexAsync(collectionName, QdrantPayload.TenantField, PayloadSchemaType.Keyword, tenantIndex, cancellationToken: cancellationToken);
        await client.CreatePayloadIndexAsync(collectionName, QdrantPayload.DocumentField, PayloadSchemaType.Keyword, cancellationToken: cancellationToken);
        await client.CreatePayloadIndexAsync(collectionName, QdrantPayload.ChunkIndexField, PayloadSchemaType.Integer, cancellationToken: cancellationToken);
        foreach (var (key, type) in definition.IndexedMetadata.OrderBy(field => field.Key, StringComparer.Ordinal))
        {
            await client.CreatePayloadIndexAsync(collectionName, QdrantPayload.MetadataPath(key), QdrantPayload.ToSchemaType(type), cancellationToken: cancellationToken);
        }
    }

    private async Task<CollectionInfo?> ReadCollectionAsync(Guid tenantId, string collectionName, CancellationToken cancellationToken)
    {
        QdrantCollectionInfo info;
        ulong documentCount;
        try
        {
            info = await client.GetCollectionInfoAsync(collectionName, cancellationToken);
            documentCount = await client.CountAsync(collectionName, DocumentsOf(tenantId, null), exact: true, cancellationToken: cancellationToken);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.NotFound)
        {
            return null;
        }

        var metadata = info.Config.Metadata;
        if (!metadata.TryGetValue(NameMetadataKey, out var nameValue) || nameValue.KindCase != Value.KindOneofCase.StringValue)
        {
            // A collection under the tenant's prefix that this service did not create.
            return null;
        }

        var createdAt = metadata.TryGetValue(CreatedAtMetadataKey, out var created) && created.KindCase == Value.KindOneofCase.IntegerValue
            ? DateTimeOffset.FromUnixTimeMilliseconds(created.IntegerValue)
            : DateTimeOffset.UnixEpoch;
        var indexed = new Dictionary<string, MetadataFieldType>(StringComparer.Ordinal);
        if (metadata.TryGetValue(IndexedMetadataKey, out var indexedValue) && indexedValue.KindCase == Value.KindOneofCase.StructValue)
        {
            foreach (var (key, type) in indexedValue.StructValue.Fields)
            {
                if (Enum.TryParse<MetadataFieldType>(type.StringValue, out var parsed))
                {
                    indexed[key] = parsed;
                }
            }
        }

        var dimensions = checked((int)info.Config.Params.VectorsConfig.Params.Size);
        return new CollectionInfo(nameValue.StringValue, checked((long)documentCount), createdAt, dimensions, indexed);
    }
}
