using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace AspireAi.Completion.Providers;

/// <summary>Builds chat and embeddings requests for OpenAI, Azure OpenAI and OpenAI-compatible servers.</summary>
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

        var request = CreateRequest(deployment, "chat/completions", upstreamBody);
        if (stream)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        }

        return request;
    }

    /// <summary>Builds the HTTP request of one embeddings attempt.</summary>
    /// <param name="deployment">The deployment to call.</param>
    /// <param name="body">The client's OpenAI embeddings request; it is not changed.</param>
    /// <returns>The request, or <see langword="null"/> for an Anthropic deployment, because Anthropic's API has no embeddings.</returns>
    public static HttpRequestMessage? CreateEmbeddingsRequest(Deployment deployment, JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(body);

        if (deployment.Endpoint.Kind == ProviderKind.Anthropic)
        {
            return null;
        }

        var upstreamBody = WithoutNulls(body);
        upstreamBody["model"] = deployment.UpstreamModel;
        return CreateRequest(deployment, "embeddings", upstreamBody);
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

    /// <summary>
    /// Builds a POST to <c>{BaseUrl}/{operation}</c> with a bearer key, or for Azure OpenAI to
    /// <c>{BaseUrl}/openai/deployments/{deployment}/{operation}?api-version=…</c> with an <c>api-key</c> header.
    /// </summary>
    private static HttpRequestMessage CreateRequest(Deployment deployment, string operation, JsonObject body)
    {
        var endpoint = deployment.Endpoint;
        var baseUrl = endpoint.BaseUrl!.ToString().TrimEnd('/');
        var request = endpoint.Kind == ProviderKind.AzureOpenAI
            ? new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}/openai/deployments/{Uri.EscapeDataString(deployment.UpstreamModel)}/{operation}?api-version={Uri.EscapeDataString(endpoint.ApiVersion)}")
            : new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}/{operation}");
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

        request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        return request;
    }
}
