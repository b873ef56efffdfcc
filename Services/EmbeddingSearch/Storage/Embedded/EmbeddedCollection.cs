using System.Numerics.Tensors;
using System.Text.Json;

namespace AspireAi.EmbeddingSearch.Storage.Embedded;

/// <summary>
/// One collection of the embedded index: its documents and vectors in memory, backed by its log.
/// Writes run one at a time and reach the log before memory, so a search returns only documents
/// whose write is already on disk. Searches run in parallel with each other under a read lock.
/// </summary>
internal sealed class EmbeddedCollection : IDisposable
{
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly ReaderWriterLockSlim _lock = new();
    private readonly Dictionary<string, int> _slotsById = new(StringComparer.Ordinal);
    private readonly List<StoredDocument> _documents = [];

    // The vectors of all documents back to back, slot i at [i * Dimensions, (i + 1) * Dimensions),
    // so the exact search scans one contiguous array.
    private float[] _vectors;
    private CollectionLog? _log;
    private bool _dropped;

    private EmbeddedCollection(HeaderRecord header)
    {
        Name = header.Name;
        Dimensions = header.Dimensions;
        CreatedAt = header.CreatedAt;
        _vectors = new float[Dimensions * 16];
    }

    public string Name { get; }

    public int Dimensions { get; }

    public DateTimeOffset CreatedAt { get; }

    public int Count
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _documents.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Creates a new empty collection and its log file.</summary>
    public static EmbeddedCollection Create(string path, string name, int dimensions, DateTimeOffset createdAt)
    {
        var header = new HeaderRecord(name, dimensions, createdAt);
        var log = CollectionLog.Create(path, header);
        return new EmbeddedCollection(header) { _log = log };
    }

    /// <summary>Rebuilds a collection by replaying its log, or returns null when the log had no complete header.</summary>
    public static EmbeddedCollection? Open(string path, ILogger logger, out int recordCount)
    {
        EmbeddedCollection? collection = null;
        var records = 0;
        var log = CollectionLog.Open(path, logger, record =>
        {
            records++;
            if (record is HeaderRecord header)
            {
                collection = new EmbeddedCollection(header);
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
        return collection;
    }

    /// <summary>Writes the documents to the log, then makes them visible.</summary>
    /// <returns><see langword="false"/> when the collection was deleted meanwhile.</returns>
    public async Task<bool> UpsertAsync(IReadOnlyList<VectorDocument> documents, CancellationToken cancellationToken)
    {
        foreach (var document in documents)
        {
            if (document.Vector.Length != Dimensions)
            {
                throw new ArgumentException($"Document '{document.Id}' has a vector of {document.Vector.Length} dimensions; the collection needs {Dimensions}.", nameof(documents));
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
            Apply(new UpsertRecord(documents));
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
                exists = _slotsById.ContainsKey(documentId);
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
            Apply(new DeleteRecord(documentId));
            return DocumentDeleteOutcome.Deleted;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Returns the best matches by descending score, or null when the collection was deleted.</summary>
    public IReadOnlyList<SearchHit>? Search(ReadOnlySpan<float> query, int limit, float? scoreThreshold)
    {
        if (query.Length != Dimensions)
        {
            throw new ArgumentException($"The query vector has {query.Length} dimensions; the collection needs {Dimensions}.", nameof(query));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);

        _lock.EnterReadLock();
        try
        {
            if (_dropped)
            {
                return null;
            }

            // A min-heap of the best `limit` slots so far: its root is the weakest result kept.
            var best = new PriorityQueue<int, float>(limit + 1);
            for (var slot = 0; slot < _documents.Count; slot++)
            {
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
                var document = _documents[slot];

                // Rounding can put the dot product of two unit vectors a little outside [-1, 1].
                hits.Add(new SearchHit(document.Id, Math.Clamp(score, -1f, 1f), document.Text, document.Metadata));
            }

            hits.Sort(static (left, right) =>
            {
                var byScore = right.Score.CompareTo(left.Score);
                return byScore != 0 ? byScore : string.CompareOrdinal(left.Id, right.Id);
            });
            return hits;
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

            _log?.Delete();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public void Dispose()
    {
        _log?.Dispose();
        _writeGate.Dispose();
        _lock.Dispose();
    }

    private void Apply(LogRecord record)
    {
        _lock.EnterWriteLock();
        try
        {
            switch (record)
            {
                case UpsertRecord upsert:
                    foreach (var document in upsert.Documents)
                    {
                        Put(document);
                    }

                    break;

                case DeleteRecord delete:
                    Remove(delete.DocumentId);
                    break;
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    private void Put(VectorDocument document)
    {
        if (!_slotsById.TryGetValue(document.Id, out var slot))
        {
            slot = _documents.Count;
            _documents.Add(default);
            _slotsById[document.Id] = slot;
            EnsureVectorCapacity(_documents.Count);
        }

        _documents[slot] = new StoredDocument(document.Id, document.Text, document.Metadata);
        document.Vector.CopyTo(_vectors.AsSpan(slot * Dimensions, Dimensions));
    }

    private void Remove(string documentId)
    {
        if (!_slotsById.Remove(documentId, out var slot))
        {
            return;
        }

        // Move the last document into the freed slot, so the slots stay dense.
        var last = _documents.Count - 1;
        if (slot != last)
        {
            var moved = _documents[last];
            _documents[slot] = moved;
            _slotsById[moved.Id] = slot;
            _vectors.AsSpan(last * Dimensions, Dimensions).CopyTo(_vectors.AsSpan(slot * Dimensions, Dimensions));
        }

        _documents.RemoveAt(last);
    }

    private void EnsureVectorCapacity(int documentCount)
    {
        var needed = documentCount * Dimensions;
        if (needed > _vectors.Length)
        {
            Array.Resize(ref _vectors, Math.Max(needed, _vectors.Length * 2));
        }
    }

    private readonly record struct StoredDocument(string Id, string Text, IReadOnlyDictionary<string, JsonElement> Metadata);
}
