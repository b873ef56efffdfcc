using System.Text.Json;
using AspireAi.EmbeddingSearch.Embeddings;

namespace AspireAi.EmbeddingSearch.Tests.Embeddings;

public sealed class TokenArrayEmbeddingTests(TextEmbedderFixture fixture) : IClassFixture<TextEmbedderFixture>
{
    [Fact]
    public async Task EmbedAsync_TokenArrayInput_MatchesTextInput()
    {
        const string Text = "Compress a file stream with GZip before uploading it.";
        var tokenRequest = new EmbeddingRequest(JsonSerializer.SerializeToElement(new[] { TokenArrayDecoder.Encode(Text) }));
        var textRequest = new EmbeddingRequest(JsonSerializer.SerializeToElement(Text));
        Assert.True(EmbeddingRequestValidator.TryValidate(tokenRequest, out var fromTokens, out _));
        Assert.True(EmbeddingRequestValidator.TryValidate(textRequest, out var fromText, out _));

        var tokenBatch = await fixture.Embedder.EmbedAsync(fromTokens.Inputs, TestContext.Current.CancellationToken);
        var textBatch = await fixture.Embedder.EmbedAsync(fromText.Inputs, TestContext.Current.CancellationToken);

        Assert.Equal(textBatch.Vectors[0], tokenBatch.Vectors[0]);
        Assert.Equal(textBatch.TokenCount, tokenBatch.TokenCount);
    }
}
