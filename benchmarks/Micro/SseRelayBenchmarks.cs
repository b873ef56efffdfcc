using System.Globalization;
using System.Text;
using AspireAi.Completion.Streaming;
using BenchmarkDotNet.Attributes;

namespace AspireAi.Benchmarks.Micro;

/// <summary>
/// Parsing a provider's server-sent events with <see cref="SseReader"/>, the first step of the gateway's stream relay.
/// One invocation reads a stream of <see cref="ChunkCount"/> OpenAI-style chunks from memory, and BenchmarkDotNet
/// divides by the chunk count, so the figures are per chunk.
/// </summary>
[MemoryDiagnoser]
public class SseRelayBenchmarks
{
    /// <summary>The chunks in one stream: a reply of this many tokens.</summary>
    public const int ChunkCount = 256;

    private byte[] _body = [];

    [GlobalSetup]
    public void Setup()
    {
        var text = new StringBuilder();
        var words = Corpus.Sentence(7, ChunkCount).Split(' ');
        for (var i = 0; i < ChunkCount; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $$"""data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1733356800,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":" {{words[i]}}"},"finish_reason":null}]}""");
            text.Append("\n\n");
            if (i % 64 == 63)
            {
                // A keep-alive comment, which the reader skips.
                text.Append(": ping\n\n");
            }
        }

        text.Append("data: [DONE]\n\n");
        _body = Encoding.UTF8.GetBytes(text.ToString());
    }

    [Benchmark(Description = "SSE read, per chunk", OperationsPerInvoke = ChunkCount + 1)]
    public async Task<int> ReadStream()
    {
        var total = 0;
        using var body = new MemoryStream(_body, writable: false);
        await foreach (var sseEvent in SseReader.ReadAsync(body, TimeSpan.FromSeconds(30), CancellationToken.None))
        {
            total += sseEvent.Data.Length;
        }

        return total;
    }
}
