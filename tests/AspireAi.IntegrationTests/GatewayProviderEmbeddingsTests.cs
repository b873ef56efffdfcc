using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspireAi.IntegrationTests.Infrastructure;

namespace AspireAi.IntegrationTests;

public class GatewayProviderEmbeddingsTests(AspireAiAppFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Embeddings_ProviderModel_ServedByProviderAndBilled()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        var embeddings = tenant.CreateOpenAiClient().GetEmbeddingClient("text-embedding-3-small");

        var result = await embeddings.GenerateEmbeddingsAsync(["compress a stream", "parse a date"], cancellationToken: Cancellation);

        Assert.Equal(2, result.Value.Count);
        Assert.All(result.Value, embedding => Assert.Equal(1536, embedding.ToFloats().Length));
        using var http = tenant.CreateHttpClient();
        var summary = await http.GetFromJsonAsync<JsonElement>("/v1/usage", Cancellation);
        var row = Assert.Single(summary.GetProperty("by_day_and_model").EnumerateArray());
        Assert.Equal("text-embedding-3-small", row.GetProperty("model").GetString());
        Assert.Equal(result.Value.Usage.InputTokenCount, row.GetProperty("totals").GetProperty("input_tokens").GetInt64());
        Assert.Equal(result.Value.Usage.InputTokenCount * 0.02m / 1_000_000m, row.GetProperty("totals").GetProperty("cost").GetDecimal());
    }

    [Fact]
    public async Task Embeddings_ProviderModelEmptyInput_Returns400()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();

        using var response = await http.PostAsJsonAsync("/v1/embeddings", new { model = "text-embedding-3-small", input = Array.Empty<string>() }, Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("input", (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task Embeddings_LocalModel_StillServedByEmbeddingSearch()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();

        using var response = await http.PostAsJsonAsync("/v1/embeddings", new { model = "all-minilm-l6-v2", input = "hello" }, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal(384, body.GetProperty("data")[0].GetProperty("embedding").GetArrayLength());
    }
}
