using Microsoft.Extensions.Options;

namespace AspireAi.EmbeddingSearch;

/// <summary>Settings of the embedding-search service, bound from the <c>EmbeddingSearch</c> section.</summary>
public sealed class EmbeddingSearchOptions
{
    /// <summary>The configuration section these options bind to.</summary>
    public const string SectionName = "EmbeddingSearch";

    /// <summary>The value of <see cref="Backend"/> that selects the embedded vector index.</summary>
    public const string EmbeddedBackend = "Embedded";

    /// <summary>The value of <see cref="Backend"/> that selects Qdrant, reached through the connection string <c>qdrant</c>.</summary>
    public const string QdrantBackend = "Qdrant";

    /// <summary>The name of the connection string of the Qdrant backend.</summary>
    public const string QdrantConnectionName = "qdrant";

    /// <summary>The vector store backend: <c>Embedded</c> or <c>Qdrant</c>.</summary>
    public string Backend { get; set; } = EmbeddedBackend;

    /// <summary>Settings of the embedded vector index.</summary>
    public EmbeddedStoreOptions Embedded { get; set; } = new();

    /// <summary>Settings of the Qdrant backend.</summary>
    public QdrantStoreOptions Qdrant { get; set; } = new();

    /// <summary>Settings of the splitting of long document texts into chunks.</summary>
    public ChunkingOptions Chunking { get; set; } = new();

    /// <summary>Returns whether <see cref="Backend"/> selects Qdrant, ignoring case.</summary>
    public bool UsesQdrant => string.Equals(Backend, QdrantBackend, StringComparison.OrdinalIgnoreCase);

    /// <summary>Settings of the local embedding model.</summary>
    public EmbeddingModelOptions Model { get; set; } = new();
}

/// <summary>Settings of the embedded vector index.</summary>
public sealed class EmbeddedStoreOptions
{
    /// <summary>
    /// The folder that contains one append-only log per tenant collection. When the key is absent it
    /// defaults to <c>.data/vectors</c> under the content root.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// Whether large collections are searched through an HNSW graph (USearch). false searches every
    /// collection exactly. Where USearch's native library cannot load, search is exact either way.
    /// </summary>
    public bool HnswEnabled { get; set; } = true;

    /// <summary>
    /// The number of chunks from which a collection is searched through its HNSW graph; smaller
    /// collections are searched exactly. 0 uses the graph for every collection.
    /// </summary>
    /// <remarks>
    /// At the default, exact search on 384 dimensions takes an estimated 3 ms at the median on one
    /// core, and never misses a result. benchmarks/VectorIndex measures both engines on the machine at hand.
    /// </remarks>
    public int HnswThreshold { get; set; } = 20_000;

    /// <summary>The maximum neighbours of a graph node per layer (HNSW's M); more raises recall, memory and build time.</summary>
    public int HnswConnectivity { get; set; } = 16;

    /// <summary>The candidate list length while inserting into the graph (efConstruction); more raises recall and build time.</summary>
    public int HnswExpansionAdd { get; set; } = 128;

    /// <summary>The candidate list length while searching the graph (ef); more raises recall and query time.</summary>
    public int HnswExpansionSearch { get; set; } = 128;
}

/// <summary>Settings of the Qdrant backend; the endpoint and key come from the connection string <c>qdrant</c>.</summary>
public sealed class QdrantStoreOptions
{
    /// <summary>The maximum number of points in one upsert request.</summary>
    public int UpsertBatchSize { get; set; } = 256;
}

/// <summary>Settings of the splitting of long document texts into chunks, counted in the local model's tokens.</summary>
public sealed class ChunkingOptions
{
    /// <summary>
    /// The maximum tokens per chunk, [CLS] and [SEP] not included. At most 254, because the model
    /// reads at most 256 tokens and truncates the rest.
    /// </summary>
    public int MaxTokens { get; set; } = 200;

    /// <summary>The tokens that each chunk repeats from the end of the one before, so a sentence cut at a boundary is still found.</summary>
    public int OverlapTokens { get; set; } = 40;
}

/// <summary>Settings of the local ONNX embedding model.</summary>
public sealed class EmbeddingModelOptions
{
    /// <summary>The number of inference batches that may run at the same time.</summary>
    public int MaxConcurrentInferences { get; set; } = 1;

    /// <summary>
    /// Threads that ONNX Runtime uses inside one inference. Zero divides the processor count by
    /// <see cref="MaxConcurrentInferences"/>, so concurrent batches do not oversubscribe the cores.
    /// </summary>
    public int IntraOpThreads { get; set; }
}

/// <summary>Fills in the defaults that depend on the host, such as the data directory under the content root.</summary>
internal sealed class ConfigureEmbeddingSearchOptions(IHostEnvironment environment) : IPostConfigureOptions<EmbeddingSearchOptions>
{
    public void PostConfigure(string? name, EmbeddingSearchOptions options)
    {
        options.Embedded ??= new EmbeddedStoreOptions();
        options.Model ??= new EmbeddingModelOptions();
        options.Qdrant ??= new QdrantStoreOptions();
        options.Chunking ??= new ChunkingOptions();

        // Only an absent key gets the default; an explicit empty value is reported by the validator.
        options.Embedded.DataDirectory ??= Path.Combine(environment.ContentRootPath, ".data", "vectors");
    }
}

/// <summary>Reports every invalid <see cref="EmbeddingSearchOptions"/> value by its configuration key.</summary>
public sealed class ValidateEmbeddingSearchOptions : IValidateOptions<EmbeddingSearchOptions>
{
    private const int MaxUpsertBatchSize = 10_000;
    private const int MinChunkTokens = 16;
    private const int MaxChunkTokens = 254;
    private const int MinHnswConnectivity = 2;
    private const int MaxHnswConnectivity = 128;
    private const int MaxHnswExpansion = 4096;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, EmbeddingSearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        const string Section = EmbeddingSearchOptions.SectionName;
        var failures = new List<string>();
        var isEmbedded = string.Equals(options.Backend, EmbeddingSearchOptions.EmbeddedBackend, StringComparison.OrdinalIgnoreCase);
        if (!isEmbedded && !options.UsesQdrant)
        {
            failures.Add(
                $"{Section}:Backend is '{options.Backend}', but it must be '{EmbeddingSearchOptions.EmbeddedBackend}' or '{EmbeddingSearchOptions.QdrantBackend}'. "
                + $"Remove the key to use {EmbeddingSearchOptions.EmbeddedBackend}.");
        }

        if (isEmbedded && string.IsNullOrWhiteSpace(options.Embedded?.DataDirectory))
        {
            failures.Add(
                $"{Section}:Embedded:DataDirectory is required when {Section}:Backend is {EmbeddingSearchOptions.EmbeddedBackend}. "
                + "Set it to a writable folder, or remove the key to use .data/vectors under the content root.");
        }

        if (options.Embedded is { HnswThreshold: < 0 })
        {
            failures.Add($"{Section}:Embedded:HnswThreshold must be 0 or a positive chunk count, but is {options.Embedded.HnswThreshold}. Set {Section}:Embedded:HnswEnabled to false to search every collection exactly.");
        }

        if (options.Embedded is { HnswConnectivity: < MinHnswConnectivity or > MaxHnswConnectivity })
        {
            failures.Add($"{Section}:Embedded:HnswConnectivity must be from {MinHnswConnectivity} to {MaxHnswConnectivity}, but is {options.Embedded.HnswConnectivity}.");
        }

        if (options.Embedded is { HnswExpansionAdd: < 1 or > MaxHnswExpansion })
        {
            failures.Add($"{Section}:Embedded:HnswExpansionAdd must be from 1 to {MaxHnswExpansion}, but is {options.Embedded.HnswExpansionAdd}.");
        }

        if (options.Embedded is { HnswExpansionSearch: < 1 or > MaxHnswExpansion })
        {
            failures.Add($"{Section}:Embedded:HnswExpansionSearch must be from 1 to {MaxHnswExpansion}, but is {options.Embedded.HnswExpansionSearch}.");
        }

        if (options.Model is { MaxConcurrentInferences: < 1 })
        {
            failures.Add($"{Section}:Model:MaxConcurrentInferences must be at least 1, but is {options.Model.MaxConcurrentInferences}.");
        }

        if (options.Model is { IntraOpThreads: < 0 })
        {
            failures.Add($"{Section}:Model:IntraOpThreads must be 0 (automatic) or a positive thread count, but is {options.Model.IntraOpThreads}.");
        }

        if (options.Qdrant is { UpsertBatchSize: < 1 or > MaxUpsertBatchSize })
        {
            failures.Add($"{Section}:Qdrant:UpsertBatchSize must be from 1 to {MaxUpsertBatchSize}, but is {options.Qdrant.UpsertBatchSize}.");
        }

        if (options.Chunking is { MaxTokens: < MinChunkTokens or > MaxChunkTokens })
        {
            failures.Add($"{Section}:Chunking:MaxTokens must be from {MinChunkTokens} to {MaxChunkTokens} (the model reads at most 256 tokens, [CLS] and [SEP] included), but is {options.Chunking.MaxTokens}.");
        }

        if (options.Chunking is { } chunking && (chunking.OverlapTokens < 0 || chunking.OverlapTokens >= chunking.MaxTokens))
        {
            failures.Add($"{Section}:Chunking:OverlapTokens must be 0 or more and less than {Section}:Chunking:MaxTokens ({chunking.MaxTokens}), but is {chunking.OverlapTokens}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
