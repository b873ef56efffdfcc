using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using OpenAI.Models;

namespace AspireAi.ProviderEmulator.Tests.Models;

public sealed class ModelTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Fact]
    public async Task GetModels_DefaultSettings_ListsDefaultModels()
    {
        var models = factory.CreateOpenAiClient().GetOpenAIModelClient();

        OpenAIModelCollection collection = await models.GetModelsAsync(TestContext.Current.CancellationToken);

        Assert.Equal(ProviderEmulatorOptions.DefaultModels, collection.Select(model => model.Id));
        Assert.All(collection, model => Assert.False(string.IsNullOrEmpty(model.OwnedBy)));
    }

    [Fact]
    public async Task GetModels_ConfiguredModels_ListsOnlyThose()
    {
        using var configured = factory.WithWebHostBuilder(builder => builder
            .UseSetting("ProviderEmulator:Models:0", "local-model")
            .UseSetting("ProviderEmulator:Models:1", "gpt-4o-mini"));
        using var client = configured.CreateAuthorizedClient();

        using var response = await client.GetAsync("/v1/models", TestContext.Current.CancellationToken);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.Equal("list", json.RootElement.GetProperty("object").GetString());
        var ids = json.RootElement.GetProperty("data").EnumerateArray().Select(model => model.GetProperty("id").GetString());
        Assert.Equal(["local-model", "gpt-4o-mini"], ids);
        Assert.All(json.RootElement.GetProperty("data").EnumerateArray(), model => Assert.Equal("model", model.GetProperty("object").GetString()));
    }

    [Fact]
    public async Task GetModel_KnownModel_ReturnsIt()
    {
        var models = factory.CreateOpenAiClient().GetOpenAIModelClient();

        OpenAIModel model = await models.GetModelAsync("gpt-4.1-nano", TestContext.Current.CancellationToken);

        Assert.Equal("gpt-4.1-nano", model.Id);
    }

    [Fact]
    public async Task GetModel_UnknownModel_Returns404ModelNotFound()
    {
        using var client = factory.CreateAuthorizedClient();

        using var response = await client.GetAsync("/v1/models/gpt-unknown", TestContext.Current.CancellationToken);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model_not_found", json.RootElement.GetProperty("error").GetProperty("code").GetString());
    }
}
