using AspireAi.EmbeddingSearch.Embeddings;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AspireAi.EmbeddingSearch.Tests;

/// <summary>One loaded model shared by the tests of a class, because loading takes about a second.</summary>
public sealed class TextEmbedderFixture : IDisposable
{
    public TextEmbedder Embedder { get; } = new(Options.Create(new EmbeddingSearchOptions()), NullLogger<TextEmbedder>.Instance);

    public void Dispose() => Embedder.Dispose();
}
