using System.Numerics.Tensors;
using AspireAi.EmbeddingSearch.Embeddings;

namespace AspireAi.EmbeddingSearch.Tests;

public sealed class TextEmbedderTests(TextEmbedderFixture fixture) : IClassFixture<TextEmbedderFixture>
{
    private readonly TextEmbedder _embedder = fixture.Embedder;

    [Fact]
    public async Task EmbedAsync_OneInput_Returns384DimensionalUnitVector()
    {
        var batch = await _embedder.EmbedAsync(["How do I parse a date from a string?"], TestContext.Current.CancellationToken);

        var vector = Assert.Single(batch.Vectors);
        Assert.Equal(384, vector.Length);
        Assert.Equal(1.0, TensorPrimitives.Norm(vector), precision: 5);
        Assert.True(batch.TokenCount > 2, $"Expected more than [CLS] and [SEP], got {batch.TokenCount} tokens.");
    }

    [Fact]
    public async Task EmbedAsync_Paraphrase_ScoresHigherThanUnrelatedSentence()
    {
        var batch = await _embedder.EmbedAsync(
            ["How do I parse a date from a string?", "Convert text into a DateTime value", "The cat sat on the mat"],
            TestContext.Current.CancellationToken);

        var paraphraseScore = TensorPrimitives.Dot(batch.Vectors[0], batch.Vectors[1]);
        var unrelatedScore = TensorPrimitives.Dot(batch.Vectors[0], batch.Vectors[2]);
        Assert.True(
            paraphraseScore > unrelatedScore + 0.1f,
            $"Paraphrase scored {paraphraseScore}, unrelated sentence {unrelatedScore}.");
    }

    [Fact]
    public async Task EmbedAsync_BatchAndAlone_Match()
    {
        const string Text = "Convert text into a DateTime value";
        var inputs = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            inputs.Add(i == 35 ? Text : $"Filler sentence number {i} that is a little longer than the probe text itself.");
        }

        var batched = await _embedder.EmbedAsync(inputs, TestContext.Current.CancellationToken);
        var alone = await _embedder.EmbedAsync([Text], TestContext.Current.CancellationToken);

        Assert.Equal(40, batched.Vectors.Count);
        var difference = new float[384];
        TensorPrimitives.Subtract(batched.Vectors[35], alone.Vectors[0], difference);
        Assert.True(TensorPrimitives.MaxMagnitude(difference) < 1e-5f, $"Max difference {TensorPrimitives.MaxMagnitude(difference)}.");
    }

    [Fact]
    public async Task EmbedAsync_TextLongerThan256Tokens_IsTruncated()
    {
        var longText = string.Join(' ', Enumerable.Repeat("embedding", 1000));

        var batch = await _embedder.EmbedAsync([longText], TestContext.Current.CancellationToken);

        Assert.Equal(256, batch.TokenCount);
        Assert.Equal(1.0, TensorPrimitives.Norm(batch.Vectors[0]), precision: 5);
    }

    [Theory]
    [InlineData("Crème brûlée à la française, s'il vous plaît")]
    [InlineData("Größenänderung über Straßen")]
    [InlineData("Açaí, jalapeño y café")]
    public void Tokenize_AccentedText_HasNoUnknownTokens(string text)
    {
        var tokens = _embedder.Tokenize(text);

        var wordTokens = tokens[1..^1];
        Assert.NotEmpty(wordTokens);
        Assert.DoesNotContain(_embedder.UnknownTokenId, wordTokens);
    }

    [Theory]
    [InlineData("東京は日本の首都です")]
    [InlineData("我们在北京学习中文")]
    [InlineData("서울은 한국의 수도입니다")]
    public void Tokenize_CjkText_IsNotAllUnknownTokens(string text)
    {
        var tokens = _embedder.Tokenize(text);

        var wordTokens = tokens[1..^1];
        var knownCount = wordTokens.Count(token => token != _embedder.UnknownTokenId);
        Assert.NotEmpty(wordTokens);
        Assert.True(
            knownCount * 2 > wordTokens.Length,
            $"Only {knownCount} of {wordTokens.Length} tokens are in the vocabulary: [{string.Join(", ", wordTokens)}].");
    }

    [Fact]
    public void UnknownTokenId_Vocabulary_IsFound()
    {
        Assert.True(_embedder.UnknownTokenId >= 0);
        Assert.Contains(_embedder.UnknownTokenId, _embedder.Tokenize("\u2603\u2604"));
    }

    [Fact]
    public async Task ToBase64_ModelVector_DecodesToSameFloats()
    {
        var vector = (await _embedder.EmbedAsync(["The cat sat on the mat"], TestContext.Current.CancellationToken)).Vectors[0];

        var bytes = Convert.FromBase64String(EmbeddingEncoder.ToBase64(vector));

        Assert.Equal(384 * sizeof(float), bytes.Length);
        for (var i = 0; i < vector.Length; i++)
        {
            var decoded = BitConverter.ToSingle(BitConverter.IsLittleEndian ? bytes.AsSpan(i * 4, 4) : bytes.AsSpan(i * 4, 4).ToArray().Reverse().ToArray());
            Assert.Equal(BitConverter.SingleToInt32Bits(vector[i]), BitConverter.SingleToInt32Bits(decoded));
        }
    }
}
