using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace AspireAi.Completion.Providers;

/// <summary>Builds chat requests for OpenAI, Azure OpenAI and OpenAI-compatible servers.</summary>
public static class OpenAiProtocol
{
    /// <summary>Builds the HTTP request of one attempt.</summary>
    /// <param name="deployment">The deployment to call.</param>
    /// <param name="body">The client's OpenAI chat request; it is not changed.</param>
    /// <param name="stream">Whether to ask for a stream, with usage in its last event.</param>
    /// <returns>The request.</returns>
    public static HttpRequestMessage CreateChatRequest(Deployment deployment, JsonObject body, bool stream)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(body);

        var upstreamBody = WithoutNulls(body);
        upstreamBody["model"] = deployment.UpstreamModel;
        if (stream)
        {
            // Usage is always asked for, so the stream is billed from the provider's own counts.
            upstreamBody["stream"] = true;
            upstreamBody["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        var endpoint = deployment.Endpoint;
        var baseUrl = endpoint.BaseUrl!.ToString().TrimEnd('/');
        var request = endpoint.Kind == ProviderKind.AzureOpenAI
            ? new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}/openai/deployments/{Uri.EscapeDataString(deployment.UpstreamModel)}/chat/completions?api-version={Uri.EscapeDataString(endpoint.ApiVersion)}")
            : new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}/chat/completions");
        if (!string.IsNullOrEmpty(endpoint.ApiKey))
        {
            if (endpoint.Kind == ProviderKind.AzureOpenAI)
            {
                request.Headers.Add("api-key", endpoint.ApiKey);
            }
            else
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", endpoint.ApiKey);
            }
        }

        request.Content = new StringContent(upstreamBody.ToJsonString(), Encoding.UTF8, "application/json");
        if (stream)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        }

        return request;
    }

    /// <summary>
    /// Copies a request body without its top-level null fields. OpenAI treats a null optional field as
    /// absent, but some compatible servers reject it, so a field the client left null is left out.
    /// </summary>
    /// <param name="body">The body.</param>
    /// <returns>A copy without null fields.</returns>
    public static JsonObject WithoutNulls(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);

        var copy = new JsonObject();
        foreach (var (name, value) in body)
        {
            if (value is not null)
            {
                copy[name] = value.DeepClone();
            }
        }

        return copy;
    }
}
