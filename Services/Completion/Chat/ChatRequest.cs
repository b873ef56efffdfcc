using System.Text.Json;
using System.Text.Json.Nodes;
using AspireAi.Tokenization;

namespace AspireAi.Completion.Chat;

/// <summary>A validated chat completion request.</summary>
/// <param name="Body">The request as the client sent it; forwarded upstream with only stream options changed.</param>
/// <param name="Model">The model asked for.</param>
/// <param name="Stream">Whether the client asked for server-sent events.</param>
/// <param name="IncludeUsage">Whether the client asked for a usage chunk at the end of the stream.</param>
public sealed record ChatRequest(JsonObject Body, string Model, bool Stream, bool IncludeUsage)
{
    /// <summary>The inbound route, a name in <see cref="Providers.GatewayRoutes"/>, which picks the route's timeouts.</summary>
    public string Route { get; init; } = Providers.GatewayRoutes.ChatCompletions;

    /// <summary>The largest request body the gateway reads, in bytes.</summary>
    public const int MaxBodyBytes = 16 * 1024 * 1024;

    /// <summary>Reads and validates a request body.</summary>
    /// <param name="json">The body.</param>
    /// <param name="request">The request, when valid.</param>
    /// <param name="error">What is wrong and the field at fault, when invalid.</param>
    /// <returns>True when the request is valid.</returns>
    public static bool TryParse(ReadOnlySpan<byte> json, out ChatRequest? request, out (string Message, string? Param)? error)
    {
        request = null;
        error = null;

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException exception)
        {
            error = ($"The request body is not valid JSON: {exception.Message}", null);
            return false;
        }

        if (node is not JsonObject body)
        {
            error = ("The request body must be a JSON object with 'model' and 'messages'.", null);
            return false;
        }

        if (body["model"] is not JsonValue modelValue || modelValue.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(modelValue.GetValue<string>()))
        {
            error = ("'model' is required and must be a non-empty string, for example \"gpt-4o-mini\".", "model");
            return false;
        }

        if (body["messages"] is not JsonArray { Count: > 0 } messages)
        {
            error = ("'messages' is required and must be a non-empty array of {\"role\", \"content\"} objects.", "messages");
            return false;
        }

        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject message
                || message["role"] is not JsonValue role
                || role.GetValueKind() != JsonValueKind.String)
            {
                error = ($"'messages[{i}]' must be an object with a string 'role'.", $"messages[{i}]");
                return false;
            }
        }

        foreach (var field in new[] { "max_tokens", "max_completion_tokens" })
        {
            if (body[field] is JsonNode limit && limit.GetValueKind() != JsonValueKind.Null
                && (limit.GetValueKind() != JsonValueKind.Number || !limit.AsValue().TryGetValue(out int tokens) || tokens < 1))
            {
                error = ($"'{field}' must be a positive whole number of tokens.", field);
                return false;
            }
        }

        if (body["n"] is JsonNode choices && choices.GetValueKind() != JsonValueKind.Null
            && (choices.GetValueKind() != JsonValueKind.Number || !choices.AsValue().TryGetValue(out int n) || n is < 1 or > 128))
        {
            error = ("'n' must be a whole number from 1 to 128.", "n");
            return false;
        }

        var stream = false;
        if (body["stream"] is JsonNode streamNode)
        {
            var kind = streamNode.GetValueKind();
            if (kind is not (JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null))
            {
                error = ("'stream' must be true or false.", "stream");
                return false;
            }

            stream = kind == JsonValueKind.True;
        }

        var includeUsage = body["stream_options"] is JsonObject streamOptions
            && streamOptions["include_usage"]?.GetValueKind() == JsonValueKind.True;

        request = new ChatRequest(body, modelValue.GetValue<string>(), stream, includeUsage);
        return true;
    }

    /// <summary>The text of every message, for counting prompt tokens when the provider reports none.</summary>
    /// <returns>The messages reduced to role, text and name.</returns>
    public IEnumerable<ChatText> PromptText()
    {
        foreach (var message in Body["messages"]!.AsArray().OfType<JsonObject>())
        {
            var role = message["role"]!.GetValue<string>();
            var name = message["name"] is JsonValue nameValue && nameValue.GetValueKind() == JsonValueKind.String ? nameValue.GetValue<string>() : null;
            yield return new ChatText(role, ReadText(message["content"]), name);
        }
    }

    private static string? ReadText(JsonNode? content) => content switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonArray parts => string.Concat(parts
            .OfType<JsonObject>()
            .Where(part => part["type"]?.GetValueKind() == JsonValueKind.String && part["type"]!.GetValue<string>() == "text")
            .Select(part => part["text"]?.GetValueKind() == JsonValueKind.String ? part["text"]!.GetValue<string>() : string.Empty)),
        _ => null,
    };
}
