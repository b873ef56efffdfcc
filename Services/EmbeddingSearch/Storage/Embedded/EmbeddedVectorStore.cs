using System.Collections.Concurrent;
using System.Buffers.Text;
using System.Text;
using Microsoft.Extensions.Options;

namespace AspireAi.EmbeddingSearch.Storage.Embedded;

/// <summary>
/// A vector index in process memory, persisted as one append-only log per tenant collection
/// under <c>{DataDirectory}/{tenant id}/{hex of the collection name}.vlog</c> and replayed when it opens.
/// </summary>
/// <remarks>
/// A collection below <c>Embedded:HnswThreshold</c> chunks is searched exactly: the query is
/// compared with every chunk's vector (<see cref="System.Numerics.Tensors.TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
/// on unit vectors), whose cost grows linearly with the collection size. A larger one is searched
/// through an HNSW graph (USearch) built in memory from the replayed documents; the log stays the
/// only thing on disk.
/// </remarks>
public sealed class EmbeddedVectorStore : IVectorStore, IDisposable
{
    private const string LogExtension = ".vlog";

    private readonly ConcurrentDictionary<CollectionKey, EmbeddedCollection> _collections = new();

    // Serialises creating and deleting collections, so "exists" checks and file operations agree.
    private readonly SemaphoreSlim _catalogGate = new(1, 1);
    private readonly string _dataDirectory;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<EmbeddedVectorStore> _logger;
    private readonly HnswPolicy? _hnswPolicy;

    /// <summary>Opens the index in the configured data directory and replays every collection log.</summary>
    /// <param name="options">The service options; the <c>Embedded</c> section is read.</param>
    /// <param name="timeProvider">The clock for creation times.</param>
    /// <param name="logger">Receives replay and recovery messages.</param>
    /// <exception cref="InvalidDataException">A collection log is damaged before its last record.</exception>
    public EmbeddedVectorStore(IOptions<EmbeddingSearchOptions> options, TimeProvider timeProvider, ILogger<EmbeddedVectorStore> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);

        _dataDirectory = Path.GetFullPath(options.Value.Embedded.DataDirectory
            ?? throw new ArgumentException($"{EmbeddingSearchOptions.SectionName}:Embedded:DataDirectory is not set.", nameof(options)));
        _timeProvider = timeProvider;
        _logger = logger;
        _hnswPolicy = CreateHnswPolicy(options.Value.Embedded, logger);

        Directory.CreateDirectory(_dataDirectory);
        Replay();
    }

    /// <inheritdoc />
    public async Task<CollectionInfo?> CreateCollectionAsync(Guid tenantId, CollectionDefinition definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentException.ThrowIfNullOrEmpty(definition.Name);

        var name = definition.Name;
        var key = new CollectionKey(tenantId, name);
        await _catalogGate.WaitAsync(cancellationToken);
        try
        {
            if (_collections.ContainsKey(key))
            {
                return null;
            }

            var tenantDirectory = Directory.CreateDirectory(Path.Combine(_dataDirectory, TenantFolderName(tenantId)));
            var path = Path.Combine(tenantDirectory.FullName, LogFileName(name));
            var collection = EmbeddedCollection.Create(path, definition, _timeProvider.GetUtcNow(), _hnswPolicy, _logger);
            _collections[key] = collection;
            return ToInfo(collection);
        }
        finally
        {
            _catalogGate.Release();
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<CollectionInfo>> ListCollectionsAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        IReadOnlyList<CollectionInfo> collections = _collections
            .Where(entry => entry.Key.TenantId == tenantId)
            .Select(entry => ToInfo(entry.Value))
            .OrderBy(info => info.Name, StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(collections);
    }

    /// <inheritdoc />
    public Task<CollectionInfo?> GetCollectionAsync(Guid tenantId, string name, CancellationToken cancellationToken)
    {
        var info = _collections.TryGetValue(new CollectionKey(tenantId, name), out var collection) ? ToInfo(collection) : null;
        return Task.FromResult(info);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteCollectionAsync(Guid tenantId, string name, CancellationToken cancellationToken)
    {
        await _catalogGate.WaitAsync(cancellationToken);
        try
        {
            if (!_collections.TryRemove(new CollectionKey(tenantId, name), out var collection))
            {
                return false;
            }

            await collection.DropAsync();
            collection.Dispose();
            return true;
        }
        finally
        {
            _catalogGate.Release();
        }
    }

    /// <inheritdoc />
    public async Task<int?> UpsertAsync(Guid tenantId, string name, IReadOnlyList<VectorDocument> documents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(documents);

        if (!_collections.TryGetValue(new CollectionKey(tenantId, name), out var collection))
        {
            return null;
        }

        return await collection.UpsertAsync(documents, cancellationToken) ? documents.Count : null;
    }

    /// <inheritdoc />
    public async Task<DocumentDeleteOutcome> DeleteDocumentAsync(Guid tenantId, string name, string documentId, CancellationToken cancellationToken)
    {
        if (!_collections.TryGetValue(new CollectionKey(tenantId, name), out var collection))
        {
            return DocumentDeleteOutcome.CollectionNotFound;
        }

        return await collection.DeleteAsync(documentId, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DocumentPage?> ListDocumentsAsync(Guid tenantId, string name, int limit, string? pageToken, CancellationToken cancellationToken)
    {
        var afterId = pageToken is null ? null : DecodePageToken(pageToken);
        if (!_collections.TryGetValue(new CollectionKey(tenantId, name), out var collection)
            || collection.ListDocuments(afterId, limit) is not { } page)
        {
            return Task.FromResult<DocumentPage?>(null);
        }

        var nextPageToken = page.HasMore ? EncodePageToken(page.Documents[^1].Id) : null;
        return Task.FromResult<DocumentPage?>(new DocumentPage(page.Documents, nextPageToken));
    }

    /// <inheritdoc />
    public Task<long?> CountDocumentsAsync(Guid tenantId, string name, MetadataFilter? filter, CancellationToken cancellationToken)
    {
        var count = _collections.TryGetValue(new CollectionKey(tenantId, name), out var collection)
            ? collection.CountDocuments(filter)
            : null;
        return Task.FromResult(count);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SearchHit>?> SearchAsync(Guid tenantId, string name, VectorQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);

        var hits = _collections.TryGetValue(new CollectionKey(tenantId, name), out var collection)
            ? collection.Search(query.Vector.Span, query.Limit, query.ScoreThreshold, query.Filter)
            : null;
        return Task.FromResult(hits);
    }

    /// <summary>
    /// Completes when the collection's HNSW graph contains every chunk, so searches use it; until
    /// then they are exact. Never completes for a collection below the threshold or without USearch.
    /// </summary>
    /// <returns>false when the collection does not exist.</returns>
    internal async Task<bool> WaitForHnswGraphAsync(Guid tenantId, string name, CancellationToken cancellationToken)
    {
        if (!_collections.TryGetValue(new CollectionKey(tenantId, name), out var collection))
        {
            return false;
        }

        await collection.WhenGraphReadyAsync(cancellationToken);
        return true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var collection in _collections.Values)
        {
            collection.Dispose();
        }

        _collections.Clear();
        _catalogGate.Dispose();
    }

    private static HnswPolicy? CreateHnswPolicy(EmbeddedStoreOptions options, ILogger logger)
    {
        if (!options.HnswEnabled)
        {
            return null;
        }

        if (HnswGraph.Probe() is { } failure)
        {
            logger.HnswUnavailable(failure, System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier);
            return null;
        }

        return new HnswPolicy(
            options.HnswThreshold,
            new HnswSettings(options.HnswConnectivity, options.HnswExpansionAdd, options.HnswExpansionSearch));
    }

    private static CollectionInfo ToInfo(EmbeddedCollection collection) =>
        new(collection.Name, collection.Count, collection.CreatedAt, collection.Dimensions, collection.IndexedMetadata);

    // The token is the last id of the previous page, so a page stays correct when documents
    // before it are deleted meanwhile.
    private static string EncodePageToken(string lastId) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(lastId));

    private static string DecodePageToken(string pageToken)
    {
        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(pageToken));
        }
        catch (FormatException exception)
        {
            throw new FormatException($"The page token '{pageToken}' is not one this store issued.", exception);
        }
    }

    private static string TenantFolderName(Guid tenantId) => tenantId.ToString("N");

    // Hex keeps every allowed name ('.' and '..' included) a safe file name, and keeps names
    // that differ only in case apart on case-insensitive file systems.
    private static string LogFileName(string name) => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(name)) + LogExtension;

    private void Replay()
    {
        foreach (var tenantDirectory in Directory.EnumerateDirectories(_dataDirectory))
        {
            if (!Guid.TryParseExact(Path.GetFileName(tenantDirectory), "N", out var tenantId))
            {
                _logger.UnknownPathSkipped(tenantDirectory);
                continue;
            }

            foreach (var path in Directory.EnumerateFiles(tenantDirectory))
            {
                if (!string.Equals(Path.GetExtension(path), LogExtension, StringComparison.Ordinal))
                {
                    _logger.UnknownPathSkipped(path);
                    continue;
                }

                var collection = EmbeddedCollection.Open(path, _hnswPolicy, _logger, out var recordCount);
                if (collection is null)
                {
                    continue;
                }

                _collections[new CollectionKey(tenantId, collection.Name)] = collection;
                _logger.CollectionReplayed(recordCount, collection.Name, tenantId, collection.Count);
            }
        }

        _logger.StoreOpened(_dataDirectory, _collections.Count);
    }

    private readonly record struct CollectionKey(Guid TenantId, string Name);
}
