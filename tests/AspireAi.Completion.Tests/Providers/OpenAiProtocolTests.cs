using System.Text.Json.Nodes;
using AspireAi.Completion.Providers;

namespace AspireAi.Completion.Tests.Providers;

public sealed class OpenAiProtocolTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateChatRequest_OpenAi_PostsToChatCompletionsWithBearerAndUpstreamModel()
    {
        var deployment = Deploy(ProviderKind.OpenAI, "https://api.openai.com/v1/", "gpt-4o-2024-08-06");

        using var request = OpenAiProtocol.CreateChatRequest(deployment, Body(), stream: false);
        var sent = JsonNode.Parse(await request.Content!.ReadAsStringAsync(Cancellation))!.AsObject();

        Assert.Equal("https://api.openai.com/v1/chat/completions", request.RequestUri!.ToString());
        Assert.Equal("Bearer", request.Headers.Authorization!.Scheme);
        Assert.Equal("secret", request.Headers.Authorization.Parameter);
        Assert.Equal("gpt-4o-2024-08-06", sent["model"]!.GetValue<string>());
        Assert.False(sent.ContainsKey("stream_options"));
    }

    [Fact]
    public void CreateChatRequest_Azure_UsesDeploymentUrlApiVersionAndApiKeyHeader()
    {
        var deployment = Deploy(ProviderKind.AzureOpenAI, "https://east.openai.azure.com/", "my gpt4o");

        using var request = OpenAiProtocol.CreateChatRequest(deployment, Body(), stream: false);

        Assert.Equal("https://east.openai.azure.com/openai/deployments/my%20gpt4o/chat/completions?api-version=2024-10-21", request.RequestUri!.AbsoluteUri);
        Assert.Equal("secret", Assert.Single(request.Headers.GetValues("api-key")));
        Assert.Null(request.Headers.Authorization);
    }

    [Fact]
    public async Task CreateChatRequest_NullAndOmittedFields_AreNotSent()
    {
        var body = Body();
        body["temperature"] = null;
        body["user"] = null;

        using var request = OpenAiProtocol.CreateChatRequest(Deploy(ProviderKind.OpenAICompatible, "http://localhost:11434/v1", "llama3"), body, stream: false);
        var sent = await request.Content!.ReadAsStringAsync(Cancellation);

        Assert.DoesNotContain("null", sent, StringComparison.Ordinal);
        Assert.DoesNotContain("temperature", sent, StringComparison.Ordinal);
        Assert.DoesNotContain("max_tokens", sent, StringComparison.Ordinal);
        Assert.True(body.ContainsKey("temperature"));
    }

    [Fact]
    public async Task CreateChatRequest_Stream_AsksForUsageAndEventStream()
    {
        using var request = OpenAiProtocol.CreateChatRequest(Deploy(ProviderKind.OpenAI, "https://api.openai.com/v1", "gpt-4o"), Body(), stream: true);
        var sent = JsonNode.Parse(await request.Content!.ReadAsStringAsync(Cancellation))!.AsObject();

        Assert.True(sent["stream"]!.GetValue<bool>());
        Assert.True(sent["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.Contains(request.Headers.Accept, accept => accept.MediaType == "text/event-stream");
    }

    [Fact]
    public void CreateChatRequest_NoApiKey_SendsNoCredentials()
    {
        var deployment = Deploy(ProviderKind.OpenAICompatible, "http://localhost:8080/v1", "local") with
        {
            Endpoint = new ProviderEndpointOptions { Kind = ProviderKind.OpenAICompatible, BaseUrl = new Uri("http://localhost:8080/v1") },
        };

        using var request = OpenAiProtocol.CreateChatRequest(deployment, Body(), stream: false);

        Assert.Null(request.Headers.Authorization);
        Assert.False(request.Headers.Contains("api-key"));
    }

    private static JsonObject Body() => new()
    {
        ["model"] = "client-model",
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hello" }),
    };

    private static Deployment Deploy(ProviderKind kind, string baseUrl, string model) =>
        new("test:0", "test", new ProviderEndpointOptions { Kind = kind, BaseUrl = new Uri(baseUrl), ApiKey = "secret" }, model, 1);
}
