using System.Text.Json.Nodes;
using AspireAi.Completion.Caching;
using BenchmarkDotNet.Attributes;

namespace AspireAi.Benchmarks.Micro;

/// <summary>The response cache's key: canonical JSON of the request, then SHA-256, as the gateway computes it on every request.</summary>
[MemoryDiagnoser]
public class CacheKeyBenchmarks
{
    private static readonly Guid TenantId = new("6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b");

    private JsonObject _small = null!;
    private JsonObject _large = null!;

    [GlobalSetup]
    public void Setup()
    {
        // Small: a system and a user message. Large: 40 messages of 60 words plus 8 tool definitions, roughly 20 KB of JSON.
        _small = Corpus.ChatRequest(messages: 2, wordsPerMessage: 12, withTools: false);
        _large = Corpus.ChatRequest(messages: 40, wordsPerMessage: 60, withTools: true);
    }

    [Benchmark(Description = "Cache key, small request")]
    public string SmallRequest() => CacheKey.Compute(TenantId, _small);

    [Benchmark(Description = "Cache key, large request")]
    public string LargeRequest() => CacheKey.Compute(TenantId, _large);
}
