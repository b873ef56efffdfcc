using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using OpenAI;

namespace AspireAi.ProviderEmulator.Tests;

/// <summary>Creates clients for an emulator hosted in memory by <see cref="WebApplicationFactory{TEntryPoint}"/>.</summary>
public static class EmulatorClients
{
    public const string AnyKey = "sk-test-any-key";

    /// <summary>Creates an OpenAI SDK client whose requests go to the in-memory emulator.</summary>
    public static OpenAIClient CreateOpenAiClient(this WebApplicationFactory<Program> factory, string apiKey = AnyKey)
    {
        var options = new OpenAIClientOptions
        {
            Transport = new HttpClientPipelineTransport(factory.CreateClient()),
            Endpoint = new Uri(factory.Server.BaseAddress, "/v1"),
        };

        return new OpenAIClient(new ApiKeyCredential(apiKey), options);
    }

    /// <summary>Creates a raw HTTP client that sends a bearer key.</summary>
    public static HttpClient CreateAuthorizedClient(this WebApplicationFactory<Program> factory, string apiKey = AnyKey)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }
}
