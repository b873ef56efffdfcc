using System.Diagnostics;
using System.Numerics.Tensors;
using Cloud.Unum.USearch;

namespace AspireAi.EmbeddingSearch.Storage.Embedded;

/// <summary>When a collection is searched through an HNSW graph instead of exactly.</summary>
/// <param name="Threshold">The chunk count from which the graph is built and used; 0 uses it for every collection.</param>
/// <param name="Settings">The shape of the graph.</param>
internal sealed record HnswPolicy(int Threshold, HnswSettings Settings);

/// <summary>
/// The HNSW part of a collection. The log stays the source of truth and the graph is only an
/// accelerator, so it is never saved and is built again from memory after every start.
/// </summary>
/// <remarks>
/// The graph goes through three states. While <em>building</em> (after a start, or when the
/// collection first reaches the threshold) a background task adds every chunk, writes queue their
/// changes for it, and searches stay exact. Once the queue is empty the graph is <em>ready</em>:
/// each write then applies its changes to the graph before it returns, so an acknowledged upsert
/// or delete is visible to the next search. If USearch fails, the graph is dropped and the
/// collection searches exactly until the service restarts.
/// </remarks>
internal sealed partial class EmbeddedCollection
{
    // A filtered search requests this many candidates per result from the graph. When fewer than
    // 1 chunk in this factor matches the filter, fewer than `limit` candidates are expected to pass,
    // so the search falls back to the exact scan. That scan computes the dot product only for the
    // few matching chunks, so it costs little more than checking the filter on each chunk.
    private const int FilteredCandidateFactor = 10;

    // The background build takes this many queued changes per step; a step holds the collection's
    // write lock only while it copies their vectors.
    private const int BuildStepSize = 256;

    private readonly HnswPolicy? _hnswPolicy;
    private readonly Queue<GraphOperation> _graphQueue = new();
    private readonly TaskCompletionSource _graphReadySignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _graphStop = new();
    private HnswGraph? _graph;
    private bool _graphReady;
    private bool _graphFailed;
    private bool _graphStopped;
    private Task? _graphBuilder;

    /// <summary>Whether searches go through the graph. The caller holds the lock.</summary>
    private bool UsesGraph => _graph is not null && _graphReady && _chunks.Count >= _hnswPolicy!.Threshold;

    /// <summary>Completes when the graph contains every chunk. Never completes for a collection searched only exactly.</summary>
    public Task WhenGraphReadyAsync(CancellationToken cancellationToken) => _graphReadySignal.Task.WaitAsync(cancellationToken);

    /// <summary>Starts building the graph once the collection reaches the threshold. Only the single writer calls it.</summary>
    private void StartGraphIfLargeEnough()
    {
        if (_hnswPolicy is null || _graph is not null || _graphFailed || _dropped)
        {
            return;
        }

        _lock.EnterWriteLock();
        try
        {
            if (_chunks.Count < _hnswPolicy.Threshold)
            {
                return;
            }

            try
            {
                _graph = new HnswGraph(Dimensions, _hnswPolicy.Settings);
            }
            catch (USearchException exception)
            {
                _graphFailed = true;
                _logger.HnswGraphFailed(exception, Name);
                return;
            }

            foreach (var key in _chunksByKey.Keys.Order())
            {
                _graphQueue.Enqueue(new GraphOperation(key, IsRemoval: false));
            }

            if (_graphQueue.Count == 0)
            {
                MarkGraphReady();
                return;
            }

            _logger.HnswGraphBuildStarted(Name, _graphQueue.Count);
            var graph = _graph;
            var stop = _graphStop.Token;
            _graphBuilder = Task.Factory.StartNew(() => BuildGraph(graph, stop), stop, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>
    /// Queues a write's changes while the graph is building and returns none; once it is ready,
    /// returns them for <see cref="ApplyToGraph"/>. The caller holds the write lock.
    /// </summary>
    private GraphChanges QueueForGraphBuild(GraphChanges changes)
    {
        if (_graph is null || _graphReady)
        {
            return changes;
        }

        foreach (var key in changes.AddedKeys)
        {
            _graphQueue.Enqueue(new GraphOperation(key, IsRemoval: false));
        }

        foreach (var key in changes.RemovedKeys)
        {
            _graphQueue.Enqueue(new GraphOperation(key, IsRemoval: true));
        }

        return new GraphChanges();
    }

    /// <summary>Applies a write's changes to a ready graph. Only the single writer calls it, outside the collection lock.</summary>
    private void ApplyToGraph(GraphChanges changes)
    {
        var graph = _graph;
        if (graph is null || !_graphReady || (changes.AddedKeys.Count == 0 && changes.RemovedKeys.Count == 0))
        {
            return;
        }

        try
        {
            // Keys are never reused, so adding before removing cannot revive a removed chunk.
            graph.Add(changes.AddedKeys, changes.AddedVectors);
            graph.Remove(changes.RemovedKeys);
        }
        catch (USearchException exception)
        {
            DropGraphAfterFailure(graph, exception);
        }
    }

    /// <summary>
    /// Searches the graph and checks each candidate against the live chunks, the filter and the
    /// threshold, scoring it with its exact vector. The caller holds the read lock.
    /// </summary>
    /// <returns>The hits, or null when the graph could have missed results and the exact scan must run.</returns>
    private List<SearchHit>? SearchGraph(ReadOnlySpan<float> query, int limit, float? scoreThreshold, MetadataFilter? filter)
    {
        var candidateCount = filter is null ? limit : limit * FilteredCandidateFactor;
        var keys = _graph!.Search(query.ToArray(), candidateCount);

        var hits = new List<SearchHit>(Math.Min(keys.Length, limit));
        var passedFilter = 0;
        foreach (var key in keys)
        {
            // A key missing from the live chunks belongs to a delete or replacement whose graph
            // update has not run yet. It is skipped, so it is never returned.
            if (!_chunksByKey.TryGetValue(key, out var location))
            {
                continue;
            }

            if (filter is not null && !filter.Matches(location.Document.Metadata))
            {
                continue;
            }

            passedFilter++;
            var slot = location.Slot;
            var score = TensorPrimitives.Dot(query, _vectors.AsSpan(slot * Dimensions, Dimensions));
            if (scoreThreshold is { } threshold && score < threshold)
            {
                continue;
            }

            hits.Add(ToHit(slot, score));
        }

        // When too few candidates passed while the graph had more to offer (a selective filter), or
        // the graph returned fewer than the collection contains, only the exact scan is sure to find them.
        var graphHadMore = keys.Length == candidateCount;
        var graphCameShort = keys.Length < Math.Min(candidateCount, _chunks.Count);
        if (passedFilter < limit && (graphHadMore || graphCameShort))
        {
            return null;
        }

        hits.Sort(CompareHits);
        if (hits.Count > limit)
        {
            hits.RemoveRange(limit, hits.Count - limit);
        }

        return hits;
    }

    /// <summary>Adds the queued chunks to the graph until the queue is empty, then marks the graph ready.</summary>
    private void BuildGraph(HnswGraph graph, CancellationToken stop)
    {
        var watch = Stopwatch.StartNew();
        var addedKeys = new List<ulong>(BuildStepSize);
        var addedVectors = new List<float[]>(BuildStepSize);
        var removedKeys = new List<ulong>();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                addedKeys.Clear();
                addedVectors.Clear();
                removedKeys.Clear();

                _lock.EnterWriteLock();
                try
                {
                    if (_graphQueue.Count == 0)
                    {
                        MarkGraphReady();
                        _logger.HnswGraphBuilt(Name, _chunks.Count, watch.ElapsedMilliseconds);
                        return;
                    }

                    while (addedKeys.Count + removedKeys.Count < BuildStepSize && _graphQueue.TryDequeue(out var operation))
                    {
                        if (operation.IsRemoval)
                        {
                            removedKeys.Add(operation.Key);
                        }
                        else if (_chunksByKey.TryGetValue(operation.Key, out var location))
                        {
                            // A chunk deleted before its turn is not added at all.
                            addedKeys.Add(operation.Key);
                            addedVectors.Add(_vectors.AsSpan(location.Slot * Dimensions, Dimensions).ToArray());
                        }
                    }
                }
                finally
                {
                    _lock.ExitWriteLock();
                }

                graph.Add(addedKeys, addedVectors);
                graph.Remove(removedKeys);
            }
        }
        catch (USearchException exception)
        {
            DropGraphAfterFailure(graph, exception);
        }
    }

    /// <summary>Marks the graph ready. The caller holds the write lock.</summary>
    private void MarkGraphReady()
    {
        _graphReady = true;
        _graphReadySignal.TrySetResult();
    }

    private void DropGraphAfterFailure(HnswGraph graph, USearchException exception)
    {
        _logger.HnswGraphFailed(exception, Name);
        _lock.EnterWriteLock();
        try
        {
            _graphFailed = true;
            _graph = null;
            _graphReady = false;
            _graphQueue.Clear();
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        // No search uses the graph any more, because searches use it only under the read lock and
        // the write lock above waited for them.
        graph.Dispose();
    }

    /// <summary>Stops a running build and frees the graph, for a dropped or closed collection.</summary>
    private void StopGraph()
    {
        if (_graphStopped)
        {
            return;
        }

        _graphStopped = true;
        _graphStop.Cancel();

        // The builder checks for a stop between steps, so this waits for at most one step.
        _graphBuilder?.Wait();

        HnswGraph? graph;
        _lock.EnterWriteLock();
        try
        {
            graph = _graph;
            _graph = null;
            _graphReady = false;
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        graph?.Dispose();
        _graphStop.Dispose();
    }

    /// <summary>A queued change to the graph: a chunk key to add or to remove.</summary>
    private readonly record struct GraphOperation(ulong Key, bool IsRemoval);

    /// <summary>The chunk keys that one write added, with their vectors, and removed.</summary>
    private sealed class GraphChanges
    {
        public List<ulong> AddedKeys { get; } = [];

        public List<float[]> AddedVectors { get; } = [];

        public List<ulong> RemovedKeys { get; } = [];
    }
}
