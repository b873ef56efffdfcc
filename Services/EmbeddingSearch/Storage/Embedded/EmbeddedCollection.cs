using System.Globalization;
using System.Numerics.Tensors;
using System.Text.Json;

namespace AspireAi.EmbeddingSearch.Storage.Embedded;

/// <summary>
/// One collection of the embedded index: its documents and vectors in memory, backed by its log.
/// Writes run one at a time and reach the log before memory, so a search returns only documents
/// whose write is already on disk. Searches run in parallel with each other under a read lock.
/// Every chunk of every document occupies one slot; the slots stay dense. Every chunk also gets a
/// key that is never reused, by which an HNSW graph refers to it (see EmbeddedCollection.Hnsw.cs).
/// </summary>
internal sealed partial class EmbeddedCollection : IDisposable
{
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ReaderWriterLockSlim _lock = new();
    private readonly Dictionary<string, StoredDocument> _documentsById = new(StringComparer.Ordinal);
    private readonly List<StoredChunk> _chunks = [];
    private readonly Dictionary<ulong, ChunkLocation> _chunksByKey = [];
    private readonly ILogger _logger;

    // The vectors of all chunks back to back, slot i at [i * Dimensions, (i + 1) * Dimensions),
    // so the exact search scans one contiguous array.
    private float[] _vectors;
    private CollectionLog? _log;
    private bool _dropped;

    // Keys are handed out in the order chunks are applied, so replaying the log gives every chunk the same key.
    private ulong _nextKey;

    private EmbeddedCollection(HeaderRecord header, HnswPolicy? hnswPolicy, ILogger logger)
    {
        _hnswPolicy = hnswPolicy;
        _logger = logger;
        Name = header.Name;
        Dimensions = header.Dimensions;
        CreatedAt = header.CreatedAt;
        IndexedMetadata = header.IndexedMetadata;
        _vectors = new float[Dimensions * 16];
    }

    public string Name { get; }

    public int Dimensions { get; }

    public DateTimeOffset CreatedAt { get; }

    public IReadOnlyDictionary<string, MetadataFieldType> IndexedMetadata { get; }

    /// <summary>The number of documents, each counted once however many chunks it has.</summary>
    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _documentsById.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>The number of chunks, which decides between exact and HNSW search.</summary>
    public int ChunkCount
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _chunks.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Creates a new empty collection and its log file.</summary>
    /// <param name="path">The log file to create.</param>
    /// <param name="definition">What the collection is.</param>
    /// <param name="createdAt">The creation time stored in the log header.</param>
    /// <param name="hnswPolicy">When to search through an HNSW graph, or null to always search exactly.</param>
    /// <param name="logger">Receives HNSW build and failure messages.</param>
    public static EmbeddedCollection Create(string path, CollectionDefinition definition, DateTimeOffset createdAt, HnswPolicy? hnswPolicy, ILogger logger)
    {
        var header = new HeaderRecord(definition.Name, definition.Dimensions, createdAt, definition.IndexedMetadata);
        var log = CollectionLog.Create(path, header);
        var collection = new EmbeddedCollection(header, hnswPolicy, logger) { _log = log };
        collection.StartGraphIfLargeEnough();
        return collection;
    }

    /// <summary>
    /// Rebuilds a collection by replaying its log, or returns null when the log had no complete
    /// header. When the collection is large enough for HNSW, its graph is built in the background
    /// and searches stay exact until it is complete.
    /// </summary>
    public static EmbeddedCollection? Open(string path, HnswPolicy? hnswPolicy, ILogger logger, out int recordCount)
    {
        EmbeddedCollection? collection = null;
        var records = 0;
        var log = CollectionLog.Open(path, logger, record =>
        {
            records++;
            if (record is HeaderRecord header)
            {
                collection = new EmbeddedCollection(header, hnswPolicy, logger);
            }
            else
            {
                collection!.Apply(record);
            }
        });

        recordCount = records;
        if (log is null)
        {
            return null;
        }

        collection!._log = log;
        collection.StartGraphIfLargeEnough();
        return collection;
    }

    /// <summary>Writes the documents to the log, then makes them visible.</summary>
    /// <returns><see langword="false"/> when the collection was deleted meanwhile.</returns>
    public async Task<bool> UpsertAsync(IReadOnlyList<VectorDocument> documents, CancellationToken cancellationToken)
    {
        foreach (var document in documents)
        {
            if (document.Chunks.Count == 0)
            {
                throw new ArgumentException($"Document '{document.Id}' has no chunks; every document needs at least one.", nameof(documents));
            }

            foreach (var chunk in document.Chunks)
            {
                if (chunk.Vector.Length != Dimensions)
                {
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture, $"Document '{document.Id}' has a vector of {chunk.Vector.Length} dimensions; the collection needs {Dimensions}."),
                        nameof(documents));
                }
            }
        }

        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            if (_dropped)
            {
                return false;
            }

            _log!.AppendUpsert(documents);
            var graphChanges = Apply(new UpsertRecord(documents));
            ApplyToGraph(graphChanges);
            StartGraphIfLargeEnough();
            return true;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Writes the deletion to the log, then removes the document from memory.</summary>
    public async Task<DocumentDeleteOutcome> DeleteAsync(string documentId, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            if (_dropped)
            {
                return DocumentDeleteOutcome.CollectionNotFound;
            }

            // Only writers change the slots, and the gate admits one writer, so this read stays true.
            bool exists;
            _lock.EnterReadLock();
            try
            {
                exists = _documentsById.ContainsKey(documentId);
            }
            finally
            {
                _lock.ExitReadLock();
            }

            if (!exists)
            {
                return DocumentDeleteOutcome.DocumentNotFound;
            }

            _log!.AppendDelete(documentId);
            var graphChanges = Apply(new DeleteRecord(documentId));
            ApplyToGraph(graphChanges);
            return DocumentDeleteOutcome.Deleted;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Returns the best matching chunks by descending score, or null when the collection was deleted.</summary>
    public IReadOnlyList<SearchHit>? Search(ReadOnlySpan<float> query, int limit, float? scoreThreshold, MetadataFilter? filter)
    {
        if (query.Length != Dimensions)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"The query vector has {query.Length} dimensions; the collection needs {Dimensions}."),
                nameof(query));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);

        _lock.EnterReadLock();
        try
        {
            if (_dropped)
            {
                return null;
            }

            if (UsesGraph && SearchGraph(query, limit, scoreThreshold, filter) is { } graphHits)
            {
                return graphHits;
            }

            return SearchExact(query, limit, scoreThreshold, filter);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Counts the documents whose metadata matches the filter, or null when the collection was deleted.</summary>
    public long? CountDocuments(MetadataFilter? filter)
    {
        _lock.EnterReadLock();
        try
        {
            if (_dropped)
            {
                return null;
            }

            return filter is null ? _documentsById.Count : _documentsById.Values.LongCount(document => filter.Matches(document.Metadata));
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// Returns up to <paramref name="limit"/> documents whose ids sort after <paramref name="afterId"/>
    /// by ordinal order, and whether more follow; null when the collection was deleted.
    /// </summary>
    public (IReadOnlyList<DocumentSummary> Documents, bool HasMore)? ListDocuments(string? afterId, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);

        _lock.EnterReadLock();
        try
        {
            if (_dropped)
            {
                return null;
            }

            var page = _documentsById.Values
                .Where(document => afterId is null || string.CompareOrdinal(document.Id, afterId) > 0)
                .OrderBy(document => document.Id, StringComparer.Ordinal)
                .Take(limit + 1)
                .Select(document => new DocumentSummary(document.Id, document.Slots.Length, document.Metadata))
                .ToList();
            var hasMore = page.Count > limit;
            if (hasMore)
            {
                page.RemoveAt(limit);
            }

            return (page, hasMore);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Marks the collection deleted, waits for a running write to end, and deletes its log file.</summary>
    public async Task DropAsync()
    {
        await _writeGate.WaitAsync();
        try
        {
            _lock.EnterWriteLock();
            try
            {
                _dropped = true;
            }
            finally
            {
                _lock.ExitWriteLock();
            }

            StopGraph();
            _log?.Delete();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public void Dispose()
    {
        StopGraph();
        _log?.Dispose();
        _writeGate.Dispose();
        _lock.Dispose();
    }

    /// <summary>Compares the query with every chunk; the caller holds the read lock.</summary>
    private List<SearchHit> SearchExact(ReadOnlySpan<float> query, int limit, float? scoreThreshold, MetadataFilter? filter)
    {
        // A min-heap of the best `limit` slots so far: its root is the weakest result kept.
        var best = new PriorityQueue<int, float>(limit + 1);
        for (var slot = 0; slot < _chunks.Count; slot++)
        {
            if (filter is not null && !filter.Matches(_chunks[slot].Document.Metadata))
            {
                continue;
            }

            var score = TensorPrimitives.Dot(query, _vectors.AsSpan(slot * Dimensions, Dimensions));
            if (scoreThreshold is { } threshold && score < threshold)
            {
                continue;
            }

            if (best.Count < limit)
            {
                best.Enqueue(slot, score);
            }
            else if (best.TryPeek(out _, out var weakest) && score > weakest)
            {
                best.EnqueueDequeue(slot, score);
            }
        }

        var hits = new List<SearchHit>(best.Count);
        while (best.TryDequeue(out var slot, out var score))
        {
            hits.Add(ToHit(slot, score));
        }

        hits.Sort(CompareHits);
        return hits;
    }

    private SearchHit ToHit(int slot, float score)
    {
        var chunk = _chunks[slot];

        // Rounding can put the dot product of two unit vectors a little outside [-1, 1].
        return new SearchHit(chunk.Document.Id, chunk.ChunkIndex, Math.Clamp(score, -1f, 1f), chunk.Text, chunk.Document.Metadata);
    }

    private static int CompareHits(SearchHit left, SearchHit right)
    {
        var byScore = right.Score.CompareTo(left.Score);
        if (byScore != 0)
        {
            return byScore;
        }

        var byId = string.CompareOrdinal(left.Id, right.Id);
        return byId != 0 ? byId : left.ChunkIndex.CompareTo(right.ChunkIndex);
    }

    /// <summary>Applies a record to memory and returns the chunk keys it added and removed.</summary>
    private GraphChanges Apply(LogRecord record)
    {
        var changes = new GraphChanges();
        _lock.EnterWriteLock();
        try
        {
            switch (record)
            {
                case UpsertRecord upsert:
                    foreach (var document in upsert.Documents)
                    {
                        Put(document, changes);
                    }

                    break;

                case DeleteRecord delete:
                    Remove(delete.DocumentId, changes);
                    break;
            }

            return QueueForGraphBuild(changes);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private void Put(VectorDocument document, GraphChanges changes)
    {
        // Replacing a document drops all its old chunks first, so a shorter text leaves none behind.
        Remove(document.Id, changes);

        var stored = new StoredDocument(document.Id, document.Metadata, new int[document.Chunks.Count], new ulong[document.Chunks.Count]);
        EnsureVectorCapacity(_chunks.Count + document.Chunks.Count);
        for (var chunkIndex = 0; chunkIndex < document.Chunks.Count; chunkIndex++)
        {
            var chunk = document.Chunks[chunkIndex];
            var slot = _chunks.Count;
            _chunks.Add(new StoredChunk(stored, chunkIndex, chunk.Text));
            chunk.Vector.CopyTo(_vectors.AsSpan(slot * Dimensions, Dimensions));
            stored.Slots[chunkIndex] = slot;

            var key = _nextKey++;
            stored.Keys[chunkIndex] = key;
            _chunksByKey[key] = new ChunkLocation(stored, chunkIndex);
            changes.AddedKeys.Add(key);
            changes.AddedVectors.Add(chunk.Vector);
        }

        _documentsById[document.Id] = stored;
    }

    private void Remove(string documentId, GraphChanges changes)
    {
        if (!_documentsById.Remove(documentId, out var document))
        {
            return;
        }

        foreach (var key in document.Keys)
        {
            _chunksByKey.Remove(key);
            changes.RemovedKeys.Add(key);
        }

        // Free the highest slots first, so a slot moved into a freed one is never one still to free.
        foreach (var slot in document.Slots.OrderDescending())
        {
            var last = _chunks.Count - 1;
            if (slot != last)
            {
                // Move the last chunk into the freed slot, so the slots stay dense.
                var moved = _chunks[last];
                _chunks[slot] = moved;
                moved.Document.Slots[moved.ChunkIndex] = slot;
                _vectors.AsSpan(last * Dimensions, Dimensions).CopyTo(_vectors.AsSpan(slot * Dimensions, Dimensions));
            }

            _chunks.RemoveAt(last);
        }
    }

    private void EnsureVectorCapacity(int documentCount)
    {
        var needed = documentCount * Dimensions;
        if (needed > _vectors.Length)
        {
            Array.Resize(ref _vectors, Math.Max(needed, _vectors.Length * 2));
        }
    }

    /// <summary>A document with the slots and keys of its chunks, both indexed by chunk index.</summary>
    private sealed record StoredDocument(string Id, IReadOnlyDictionary<string, JsonElement> Metadata, int[] Slots, ulong[] Keys);

    /// <summary>Where a chunk key points: its document and its chunk index, whose slot can change.</summary>
    private readonly record struct ChunkLocation(StoredDocument Document, int ChunkIndex)
    {
        public int Slot => Document.Slots[ChunkIndex];
    }

    private readonly record struct StoredChunk(StoredDocument Document, int ChunkIndex, string Text);
}
