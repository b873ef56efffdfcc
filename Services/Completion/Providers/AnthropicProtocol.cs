using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.Completion.Anthropic;

namespace AspireAi.Completion.Providers;

/// <summary>Builds Anthropic Messages requests from OpenAI chat requests, for deployments of kind Anthropic.</summary>
public static class AnthropicProtocol
{
    private static readonly JsonSerializerOptions RelaxedJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Builds the HTTP request of one attempt.</summary>
    /// <param name="deployment">The deployment to call.</param>
    /// <param name="body">The client's OpenAI chat request; it is not changed.</param>
    /// <param name="stream">Whether to ask for Anthropic's event stream.</param>
    /// <param name="defaultMaxTokens">The max_tokens to send when the request sets none, because Anthropic requires it.</param>
    /// <returns>The request.</returns>
    public static HttpRequestMessage CreateChatRequest(Deployment deployment, JsonObject body, bool stream, int defaultMaxTokens)
    {
        ArgumentNullException.ThrowIfNull(deployment);

        var endpoint = deployment.Endpoint;
        var request = new HttpRequestMessage(HttpMethod.Post, $"{endpoint.BaseUrl!.ToString().TrimEnd('/')}/v1/messages");
        if (!string.IsNullOrEmpty(endpoint.ApiKey))
        {
            request.Headers.Add("x-api-key", endpoint.ApiKey);
        }

        request.Headers.Add("anthropic-version", endpoint.AnthropicVersion);
        var messages = AnthropicRequests.FromOpenAi(body, deployment.UpstreamModel, defaultMaxTokens, stream);
        request.Content = new StringContent(messages.ToJsonString(RelaxedJson), Encoding.UTF8, "application/json");
        return request;
    }

    /// <summary>Translates a successful Anthropic body into an OpenAI chat.completion body; an error body stays as it is.</summary>
    /// <param name="content">The Anthropic body.</param>
    /// <returns>The OpenAI body.</returns>
    public static string ToOpenAiCompletion(string content)
    {
        try
        {
            return JsonNode.Parse(content) is JsonObject message && message["error"] is null && AnthropicRequests.Text(message["type"]) == "message"
                ? AnthropicResponses.ToOpenAiCompletion(message).ToJsonString(RelaxedJson)
                : content;
        }
        catch (JsonException)
        {
            return content;
        }
    }

    /// <summary>Translates Anthropic's event stream into OpenAI chunk events, ending with <c>[DONE]</c> after <c>message_stop</c>.</summary>
    /// <param name="events">Anthropic's events.</param>
    /// <param name="requestedModel">The model to name until the stream names one.</param>
    /// <returns>The OpenAI events.</returns>
    public static async IAsyncEnumerable<Streaming.SseEvent> ToOpenAiEvents(IAsyncEnumerable<Streaming.SseEvent> events, string requestedModel)
    {
        ArgumentNullException.ThrowIfNull(events);

        var translator = new AnthropicToOpenAiChunks(requestedModel);
        await foreach (var item in events)
        {
            JsonObject? data;
            try
            {
                data = JsonNode.Parse(item.Data) as JsonObject;
            }
            catch (JsonException)
            {
                data = null;
            }

            if (data is null)
            {
                continue;
            }

            foreach (var chunk in translator.Add(item.EventType, data))
            {
                yield return new Streaming.SseEvent(null, chunk.ToJsonString(RelaxedJson));
            }

            if (translator.IsComplete)
            {
                yield return new Streaming.SseEvent(null, "[DONE]");
                yield break;
            }
        }
    }
}
