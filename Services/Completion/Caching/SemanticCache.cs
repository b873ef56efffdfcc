using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AspireAi.BillingClient;
using AspireAi.Completion.Chat;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AspireAi.Completion.Caching;

/// <summary>
/// The opt-in semantic cache. A tenant that sets a similarity threshold is served the cached response
/// of an earlier prompt whose embedding is at least that similar. Every other field of the request
/// (model, sampling, tools and so on) must be the same. Tenants without a threshold only get exact matches.
/// </summary>
/// <remarks>
/// Prompts are embedded by embedding-search's local model through its internal route. The vectors are
/// kept in Redis, one hash per tenant and set of non-message fields, and compared exactly; a hash holds
/// at most <see cref="MaxEntriesPerBucket"/> prompts, so a lookup costs at most that many dot products.
/// </remarks>
public sealed class SemanticCache(IHttpClientFactory clients, IConnectionMultiplexer redis, IOptions<CompletionOptions> options)
{
    /// <summary>The named HttpClient for embedding-search's internal route.</summary>
    public const string HttpClientName = "semantic-cache-embeddings";

    /// <summary>The most prompts one bucket keeps; later prompts are not added until entries expire.</summary>
    public const int MaxEntriesPerBucket = 2000;

    /// <summary>Returns the tenant's similarity threshold, or <see langword="null"/> when the tenant has not opted in.</summary>
    /// <param name="identity">The caller.</param>
    /// <returns>The threshold.</returns>
    public double? ThresholdFor(ApiKeyIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);

        var tenants = options.Value.Cache.Tenants;
        var settings = tenants.GetValueOrDefault(identity.TenantId.ToString()) ?? tenants.GetValueOrDefault(identity.TenantName);
        return options.Value.EmbeddingSearchBaseAddress is null ? null : settings?.SemanticThreshold;
    }

    /// <summary>Finds the exact-cache key of the most similar earlier prompt at or above the threshold.</summary>
    /// <param name="identity">The caller.</param>
    /// <param name="request">The request.</param>
    /// <param name="threshold">The tenant's threshold.</param>
    /// <param name="cancellationToken">Cancels the embedding call.</param>
    /// <returns>The cache key and the similarity, or <see langword="null"/>.</returns>
    public async Task<(string CacheKey, float Similarity)?> FindAsync(ApiKeyIdentity identity, ChatRequest request, double threshold, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(request);

        var entries = await redis.GetDatabase().HashGetAllAsync(BucketKey(identity, request));
        if (entries.Length == 0)
        {
            return null;
        }

        var query = await EmbedAsync(PromptText(request), cancellationToken);
        (string Key, float Score)? best = null;
        foreach (var entry in entries)
        {
            var vector = MemoryMarshal.Cast<byte, float>((byte[])entry.Value!);
            if (vector.Length != query.Length)
            {
                continue;
            }

            var score = TensorPrimitives.Dot(query, vector);
            if (score >= threshold && (best is null || score > best.Value.Score))
            {
                best = (entry.Name.ToString(), score);
            }
        }

        return best;
    }

    /// <summary>Remembers a prompt whose answer was just stored in the exact cache under <paramref name="cacheKey"/>.</summary>
    /// <param name="identity">The caller.</param>
    /// <param name="request">The request.</param>
    /// <param name="cacheKey">The exact-cache key of its response.</param>
    /// <param name="ttl">The response's lifetime in the cache.</param>
    /// <param name="cancellationToken">Cancels the embedding call.</param>
    /// <returns>A task that completes when Redis has the entry.</returns>
    public async Task AddAsync(ApiKeyIdentity identity, ChatRequest request, string cacheKey, TimeSpan ttl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(request);

        var database = redis.GetDatabase();
        var bucket = BucketKey(identity, request);
        if (await database.HashLengthAsync(bucket) >= MaxEntriesPerBucket)
        {
            return;
        }

        var vector = await EmbedAsync(PromptText(request), cancellationToken);
        await database.HashSetAsync(bucket, cacheKey, MemoryMarshal.AsBytes(vector.AsSpan()).ToArray());
        await database.KeyExpireAsync(bucket, ttl);
    }

    private async Task<float[]> EmbedAsync(string text, CancellationToken cancellationToken)
    {
        using var http = clients.CreateClient(HttpClientName);
        using var response = await http.PostAsJsonAsync("/internal/embeddings", new { inputs = new[] { text } }, cancellationToken);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
        return body?["vectors"]?[0]?.AsArray().Select(value => value!.GetValue<float>()).ToArray()
            ?? throw new HttpRequestException("Embedding search returned no vector for the semantic cache.");
    }

    private static string PromptText(ChatRequest request) =>
        string.Join('\n', request.PromptText().Select(message => $"{message.Role}: {message.Content}"));

    private static string BucketKey(ApiKeyIdentity identity, ChatRequest request)
    {
        // Every field but the messages must match exactly, so it is part of the bucket's name.
        var others = request.Body.DeepClone().AsObject();
        others.Remove("messages");
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(CacheKey.Canonicalize(others)));
        return string.Create(CultureInfo.InvariantCulture, $"aspireai:semantic:v1:{identity.TenantId:N}:{Convert.ToHexStringLower(hash)}");
    }
}
