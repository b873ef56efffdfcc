using Cloud.Unum.USearch;

namespace AspireAi.EmbeddingSearch.Storage.Embedded;

/// <summary>The shape of an HNSW graph, its connectivity and candidate list lengths.</summary>
/// <param name="Connectivity">The maximum neighbours of a node per graph layer (HNSW's M).</param>
/// <param name="ExpansionAdd">The candidate list length while inserting (efConstruction).</param>
/// <param name="ExpansionSearch">The candidate list length while searching (ef); at least the number of results asked for.</param>
internal sealed record HnswSettings(int Connectivity, int ExpansionAdd, int ExpansionSearch);

/// <summary>
/// An approximate nearest-neighbour index over chunk keys (USearch's HNSW, inner product on unit
/// vectors, vectors stored as 16-bit floats). It only proposes candidates, and the collection checks
/// each key against its live chunks and scores it again with the exact float32 vector.
/// </summary>
/// <remarks>
/// The USearch 2.26.6 C# wrapper grows the native capacity inside <c>Add</c>, which moves memory
/// that a concurrent search reads, and its adds are not safe to run concurrently, so adds and
/// removes take the write lock and searches the read lock. The native library also keeps one
/// search context per hardware thread and fails a search beyond that ("Reserve capacity ahead of
/// searches!"), so a semaphore admits at most <see cref="Environment.ProcessorCount"/> searches.
/// </remarks>
internal sealed class HnswGraph : IDisposable
{
    // Adds run in slices of this many vectors, so a search waits for one slice and not a whole batch.
    private const int AddSliceSize = 32;

    private readonly USearchIndex _index;
    private readonly ReaderWriterLockSlim _lock = new();
    private readonly SemaphoreSlim _searchSlots = new(Environment.ProcessorCount, Environment.ProcessorCount);

    public HnswGraph(int dimensions, HnswSettings settings)
    {
        _index = new USearchIndex(
            MetricKind.Ip,
            ScalarKind.Float16,
            (ulong)dimensions,
            (ulong)settings.Connectivity,
            (ulong)settings.ExpansionAdd,
            (ulong)settings.ExpansionSearch);
    }

    /// <summary>
    /// Creates and drops a tiny index, so a missing or incompatible native library shows up once at
    /// start and not in the middle of a write.
    /// </summary>
    /// <returns>null when USearch works here, otherwise the exception that loading it raised.</returns>
    public static Exception? Probe()
    {
        try
        {
            using var probe = new HnswGraph(4, new HnswSettings(4, 8, 8));
            probe.Add([1UL], [[1f, 0f, 0f, 0f]]);
            return null;
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException
            or TypeInitializationException or USearchException)
        {
            return exception;
        }
    }

    /// <summary>Adds vectors under their keys. <paramref name="keys"/> and <paramref name="vectors"/> are parallel lists.</summary>
    /// <exception cref="USearchException">The native index failed, for example out of memory.</exception>
    public void Add(IReadOnlyList<ulong> keys, IReadOnlyList<float[]> vectors)
    {
        for (var start = 0; start < keys.Count; start += AddSliceSize)
        {
            var count = Math.Min(AddSliceSize, keys.Count - start);
            var sliceKeys = new ulong[count];
            var sliceVectors = new float[count][];
            for (var i = 0; i < count; i++)
            {
                sliceKeys[i] = keys[start + i];
                sliceVectors[i] = vectors[start + i];
            }

            _lock.EnterWriteLock();
            try
            {
                _index.Add(sliceKeys, sliceVectors);
            }
            finally
            {
                _lock.ExitWriteLock();
            }
        }
    }

    /// <summary>Removes keys. A key that is not in the graph is ignored.</summary>
    public void Remove(IReadOnlyList<ulong> keys)
    {
        if (keys.Count == 0)
        {
            return;
        }

        _lock.EnterWriteLock();
        try
        {
            foreach (var key in keys)
            {
                _index.Remove(key);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Returns the keys of up to <paramref name="count"/> approximate nearest neighbours, nearest first.</summary>
    public ulong[] Search(float[] query, int count)
    {
        _searchSlots.Wait();
        try
        {
            _lock.EnterReadLock();
            try
            {
                _index.Search(query, count, out var keys, out _);
                return keys;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
        finally
        {
            _searchSlots.Release();
        }
    }

    public void Dispose()
    {
        _index.Dispose();
        _lock.Dispose();
        _searchSlots.Dispose();
    }
}
