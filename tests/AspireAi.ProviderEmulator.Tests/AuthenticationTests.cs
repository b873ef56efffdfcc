using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using OpenAI.Chat;

namespace AspireAi.ProviderEmulator.Tests;

public sealed class AuthenticationTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    private const string ConfiguredKey = "emulator-secret";

    [Fact]
    public async Task Request_NoKey_Returns401()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/v1/models", TestContext.Current.CancellationToken);
        var error = await ReadErrorAsync(response);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
        Assert.Equal(JsonValueKind.Null, error.GetProperty("param").ValueKind);
    }

    [Fact]
    public async Task Request_AnyKeyWithoutConfiguredKey_Succeeds()
    {
        using var client = factory.CreateAuthorizedClient("whatever-key");

        using var response = await client.GetAsync("/v1/models", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Request_WrongKeyWithConfiguredKey_Returns401()
    {
        using var secured = factory.WithWebHostBuilder(builder => builder.UseSetting("ProviderEmulator:ApiKey", ConfiguredKey));
        using var client = secured.CreateAuthorizedClient("wrong-key");

        using var response = await client.PostAsJsonAsync(
            "/v1/chat/completions",
            new { model = "gpt-4o-mini", messages = new[] { new { role = "user", content = "Hi" } } },
            TestContext.Current.CancellationToken);
        var error = await ReadErrorAsync(response);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_api_key", error.GetProperty("code").GetString());
        Assert.DoesNotContain("wrong-key", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sdk_WrongKey_Throws401()
    {
        using var secured = factory.WithWebHostBuilder(builder => builder.UseSetting("ProviderEmulator:ApiKey", ConfiguredKey));
        var chat = secured.CreateOpenAiClient("wrong-key").GetChatClient("gpt-4o-mini");

        var exception = await Assert.ThrowsAsync<ClientResultException>(
            () => chat.CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(401, exception.Status);
    }

    [Fact]
    public async Task Sdk_ConfiguredKey_Succeeds()
    {
        using var secured = factory.WithWebHostBuilder(builder => builder.UseSetting("ProviderEmulator:ApiKey", ConfiguredKey));
        var chat = secured.CreateOpenAiClient(ConfiguredKey).GetChatClient("gpt-4o-mini");

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Hi")], cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(string.IsNullOrWhiteSpace(completion.Content[0].Text));
    }

    [Fact]
    public async Task HealthEndpoint_NoKey_IsNotAuthenticated()
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/alive", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<JsonElement> ReadErrorAsync(HttpResponseMessage response)
    {
        var json = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return JsonDocument.Parse(json).RootElement.GetProperty("error");
    }
}
