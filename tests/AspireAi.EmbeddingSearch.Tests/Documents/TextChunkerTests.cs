using AspireAi.EmbeddingSearch.Documents;

namespace AspireAi.EmbeddingSearch.Tests.Documents;

public sealed class TextChunkerTests
{
    // One token per word keeps the expected chunks easy to read; the real counter is the model's tokenizer.
    private static readonly Func<string, int> OnePerWord = _ => 1;

    [Fact]
    public void Split_ShortText_ReturnsTextUnchanged()
    {
        var text = "  a b  c ";

        var chunks = TextChunker.Split(text, OnePerWord, maxTokens: 3, overlapTokens: 1);

        Assert.Equal([text], chunks);
    }

    [Fact]
    public void Split_LongText_OverlapsByBudget()
    {
        var chunks = TextChunker.Split("w1 w2 w3 w4 w5 w6 w7", OnePerWord, maxTokens: 3, overlapTokens: 1);

        Assert.Equal(["w1 w2 w3", "w3 w4 w5", "w5 w6 w7"], chunks);
    }

    [Fact]
    public void Split_NoOverlap_CoversEveryWordOnce()
    {
        var chunks = TextChunker.Split("a b c d e", OnePerWord, maxTokens: 2, overlapTokens: 0);

        Assert.Equal(["a b", "c d", "e"], chunks);
    }

    [Fact]
    public void Split_OverlongWord_BecomesOwnChunk()
    {
        var chunks = TextChunker.Split("a huge b", word => word == "huge" ? 10 : 1, maxTokens: 3, overlapTokens: 2);

        Assert.Equal(["a", "huge", "b"], chunks);
    }

    [Fact]
    public void Split_KeepsOriginalSpacingInsideChunks()
    {
        var chunks = TextChunker.Split("one\ntwo  three four", OnePerWord, maxTokens: 3, overlapTokens: 0);

        Assert.Equal(["one\ntwo  three", "four"], chunks);
    }

    [Fact]
    public void Split_ModelTokenizer_StaysWithinLimit()
    {
        using var fixture = new TextEmbedderFixture();
        var text = string.Join(' ', Enumerable.Range(0, 400).Select(i => $"Antidisestablishmentarianism{i} is tokenized into many pieces."));

        var chunks = TextChunker.Split(text, fixture.Embedder.CountTokens, maxTokens: 200, overlapTokens: 40);

        Assert.True(chunks.Count > 1);
        Assert.All(chunks, chunk => Assert.InRange(fixture.Embedder.CountTokens(chunk), 1, 200));
        Assert.StartsWith(chunks[0][..20], text, StringComparison.Ordinal);
        Assert.EndsWith(chunks[^1][^20..], text, StringComparison.Ordinal);
    }
}
