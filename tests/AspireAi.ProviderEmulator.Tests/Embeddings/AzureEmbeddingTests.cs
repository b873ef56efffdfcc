using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AspireAi.ProviderEmulator.Tests.Embeddings;

public sealed class AzureEmbeddingTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AzureEmbeddings_DeploymentUrl_UsesDeploymentAsModel()
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/openai/deployments/text-embedding-3-large/embeddings?api-version=2024-10-21")
        {
            Content = JsonContent.Create(new { input = "an Azure-style request" }),
        };
        request.Headers.Add("api-key", EmulatorClients.AnyKey);

        using var response = await client.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal("text-embedding-3-large", body.RootElement.GetProperty("model").GetString());
        Assert.Equal(1536, body.RootElement.GetProperty("data")[0].GetProperty("embedding").GetArrayLength());
        Assert.True(body.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task AzureEmbeddings_NoApiVersion_Returns400()
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/openai/deployments/text-embedding-3-small/embeddings")
        {
            Content = JsonContent.Create(new { input = "no version" }),
        };
        request.Headers.Add("api-key", EmulatorClients.AnyKey);

        using var response = await client.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal("api-version", body.RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task AzureEmbeddings_NoApiKeyHeader_Returns401()
    {
        using var client = factory.CreateClient();

        using var response = await client.PostAsJsonAsync(
            "/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21", new { input = "no key" }, Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
