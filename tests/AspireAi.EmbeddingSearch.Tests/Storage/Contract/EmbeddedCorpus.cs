using AspireAi.EmbeddingSearch.Embeddings;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AspireAi.EmbeddingSearch.Tests.Storage.Contract;

/// <summary>
/// 1,000 generated sentences and 50 queries embedded once by the local model and shared by every
/// contract test class. At about 150 sentences a second on two cores, the embedding takes about 7 s.
/// </summary>
public sealed record EmbeddedCorpus(IReadOnlyList<string> Texts, IReadOnlyList<float[]> Vectors, IReadOnlyList<float[]> Queries)
{
    public const int DocumentCount = 1000;
    public const int QueryCount = 50;

    private static readonly Lazy<Task<EmbeddedCorpus>> Shared = new(CreateAsync);

    private static readonly string[] Subjects =
    [
        "The HTTP client", "A JSON serializer", "The garbage collector", "A background worker", "The file stream", "A Redis cache",
        "The SQL query planner", "A message queue", "The thread pool", "A gzip encoder", "The DNS resolver", "A vector index",
        "The logging pipeline", "A rate limiter", "The certificate store", "A cron scheduler", "The image decoder", "A search engine",
        "The payment gateway", "A compiler front end",
    ];

    private static readonly string[] Actions =
    [
        "retries failed requests", "compresses large payloads", "parses dates in many formats", "evicts entries that expired",
        "streams rows without buffering", "validates tokens before use", "reports metrics every minute", "splits work across cores",
        "writes checksums next to data", "rejects malformed input", "caches results per tenant", "sorts records by timestamp",
        "encrypts secrets at rest", "batches small writes together", "wakes up on a timer", "translates error codes for users",
        "reads configuration from files", "backs off when the server is busy", "keeps connections open for reuse", "counts tokens in prompts",
    ];

    private static readonly string[] Settings =
    [
        "in production", "during tests", "on mobile devices", "under heavy load", "after a restart", "for each customer",
        "at midnight", "behind a proxy", "on a single machine", "across regions",
    ];

    /// <summary>Returns the corpus, embedding it on first use.</summary>
    public static Task<EmbeddedCorpus> GetAsync() => Shared.Value;

    private static async Task<EmbeddedCorpus> CreateAsync()
    {
        var random = new Random(20_240_611);
        var texts = Enumerable.Range(0, DocumentCount)
            .Select(i => $"{Pick(Subjects, random)} {Pick(Actions, random)} {Pick(Settings, random)} (note {i}).")
            .ToList();
        var queries = Enumerable.Range(0, QueryCount)
            .Select(_ => $"which component {Pick(Actions, random)} {Pick(Settings, random)}?")
            .ToList();

        using var embedder = new TextEmbedder(Options.Create(new EmbeddingSearchOptions()), NullLogger<TextEmbedder>.Instance);
        var vectors = await embedder.EmbedAsync(texts, CancellationToken.None);
        var queryVectors = await embedder.EmbedAsync(queries, CancellationToken.None);
        return new EmbeddedCorpus(texts, vectors.Vectors, queryVectors.Vectors);
    }

    private static string Pick(string[] values, Random random) => values[random.Next(values.Length)];
}
