using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspireAi.Tokenization;
using Microsoft.AspNetCore.Mvc.Testing;
using OpenAI.Embeddings;

namespace AspireAi.ProviderEmulator.Tests.Embeddings;

public sealed class EmbeddingTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    private const string Model = "text-embedding-3-small";

    [Fact]
    public async Task Embedding_Base64AndFloat_AreEqual()
    {
        var embeddings = factory.CreateOpenAiClient().GetEmbeddingClient(Model);
        using var client = factory.CreateAuthorizedClient();

        OpenAIEmbedding fromSdk = await embeddings.GenerateEmbeddingAsync("The quick brown fox", cancellationToken: TestContext.Current.CancellationToken);
        var fromFloat = await PostFloatEmbeddingAsync(client, new { model = Model, input = "The quick brown fox", encoding_format = "float" });

        Assert.Equal(fromFloat, fromSdk.ToFloats().ToArray());
    }

    [Fact]
    public async Task GenerateEmbedding_DefaultSettings_ReturnsUnitVectorOf1536()
    {
        var embeddings = factory.CreateOpenAiClient().GetEmbeddingClient(Model);

        OpenAIEmbedding embedding = await embeddings.GenerateEmbeddingAsync("Unit length please", cancellationToken: TestContext.Current.CancellationToken);

        var vector = embedding.ToFloats().ToArray();
        Assert.Equal(1536, vector.Length);
        Assert.Equal(1.0, Length(vector), 5);
    }

    [Fact]
    public async Task GenerateEmbedding_SameTextTwice_ReturnsSameVector()
    {
        var embeddings = factory.CreateOpenAiClient().GetEmbeddingClient(Model);

        OpenAIEmbedding first = await embeddings.GenerateEmbeddingAsync("Repeatable text", cancellationToken: TestContext.Current.CancellationToken);
        OpenAIEmbedding second = await embeddings.GenerateEmbeddingAsync("Repeatable text", cancellationToken: TestContext.Current.CancellationToken);
        OpenAIEmbedding other = await embeddings.GenerateEmbeddingAsync("Different text", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(first.ToFloats().ToArray(), second.ToFloats().ToArray());
        Assert.NotEqual(first.ToFloats().ToArray(), other.ToFloats().ToArray());
    }

    [Fact]
    public async Task Embeddings_SharedWords_AreCloser()
    {
        var embeddings = factory.CreateOpenAiClient().GetEmbeddingClient(Model);

        OpenAIEmbeddingCollection collection = await embeddings.GenerateEmbeddingsAsync(
            ["the cat sat on the mat", "the cat sat on a mat", "quarterly revenue grew strongly"],
            cancellationToken: TestContext.Current.CancellationToken);

        var vectors = collection.Select(embedding => embedding.ToFloats().ToArray()).ToList();
        Assert.True(Dot(vectors[0], vectors[1]) > Dot(vectors[0], vectors[2]) + 0.3);
    }

    [Fact]
    public async Task Embeddings_Batch_CountsTokensPerInput()
    {
        var embeddings = factory.CreateOpenAiClient().GetEmbeddingClient(Model);
        string[] inputs = ["alpha", "beta gamma", "délta — épsilon"];

        OpenAIEmbeddingCollection collection = await embeddings.GenerateEmbeddingsAsync(inputs, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal([0, 1, 2], collection.Select(embedding => embedding.Index));
        Assert.Equal(inputs.Sum(input => TokenCounter.Shared.CountText(Model, input)), collection.Usage.InputTokenCount);
        Assert.Equal(collection.Usage.InputTokenCount, collection.Usage.TotalTokenCount);
        OpenAIEmbedding single = await embeddings.GenerateEmbeddingAsync("beta gamma", cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(single.ToFloats().ToArray(), collection[1].ToFloats().ToArray());
    }

    [Fact]
    public async Task GenerateEmbedding_Dimensions_ReturnsRenormalizedPrefix()
    {
        var embeddings = factory.CreateOpenAiClient().GetEmbeddingClient(Model);

        OpenAIEmbedding full = await embeddings.GenerateEmbeddingAsync("Shorten me", cancellationToken: TestContext.Current.CancellationToken);
        OpenAIEmbedding shortened = await embeddings.GenerateEmbeddingAsync(
            "Shorten me", new EmbeddingGenerationOptions { Dimensions = 256 }, TestContext.Current.CancellationToken);

        var shortVector = shortened.ToFloats().ToArray();
        Assert.Equal(256, shortVector.Length);
        Assert.Equal(1.0, Length(shortVector), 5);
        var prefix = full.ToFloats().ToArray()[..256];
        var prefixLength = Length(prefix);
        for (var i = 0; i < shortVector.Length; i++)
        {
            Assert.Equal(prefix[i] / prefixLength, shortVector[i], 5);
        }
    }

    [Theory]
    [InlineData("{\"model\":\"text-embedding-3-small\"}", "input")]
    [InlineData("{\"model\":\"text-embedding-3-small\",\"input\":\"\"}", "input")]
    [InlineData("{\"model\":\"text-embedding-3-small\",\"input\":[]}", "input")]
    [InlineData("{\"model\":\"text-embedding-3-small\",\"input\":[1,2,3]}", "input[0]")]
    [InlineData("{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"encoding_format\":\"hex\"}", "encoding_format")]
    [InlineData("{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"dimensions\":0}", "dimensions")]
    [InlineData("{\"model\":\"text-embedding-3-small\",\"input\":\"x\",\"dimensions\":4096}", "dimensions")]
    [InlineData("{\"model\":\"gpt-4o-mini\",\"input\":\"x\",\"dimensions\":64}", "dimensions")]
    public async Task CreateEmbeddings_InvalidBody_Returns400NamingTheField(string json, string expectedParam)
    {
        using var client = factory.CreateAuthorizedClient();
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");

        using var response = await client.PostAsync("/v1/embeddings", content, TestContext.Current.CancellationToken);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(expectedParam, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task CreateEmbeddings_UnknownModel_Returns404ModelNotFound()
    {
        using var client = factory.CreateAuthorizedClient();

        using var response = await client.PostAsJsonAsync("/v1/embeddings", new { model = "text-embedding-9", input = "x" }, TestContext.Current.CancellationToken);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("error");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
    }

    private static async Task<float[]> PostFloatEmbeddingAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync("/v1/embeddings", body, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return json.RootElement.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(value => value.GetSingle()).ToArray();
    }

    private static double Length(float[] vector) => Math.Sqrt(vector.Sum(component => (double)component * component));

    private static double Dot(float[] left, float[] right) => left.Zip(right, (a, b) => (double)a * b).Sum();
}
