using System.Text.Json;
using System.Text.Json.Nodes;

namespace AspireAi.Completion.Anthropic;

/// <summary>Translates responses and errors between OpenAI's chat completion and Anthropic's message shapes.</summary>
public static class AnthropicResponses
{
    /// <summary>Maps an OpenAI finish reason to Anthropic's stop reason.</summary>
    /// <param name="finishReason">OpenAI's finish reason.</param>
    /// <returns>Anthropic's stop reason.</returns>
    public static string ToStopReason(string? finishReason) => finishReason switch
    {
        "length" => "max_tokens",
        "tool_calls" or "function_call" => "tool_use",
        "content_filter" => "refusal",
        _ => "end_turn",
    };

    /// <summary>Maps an Anthropic stop reason to OpenAI's finish reason.</summary>
    /// <param name="stopReason">Anthropic's stop reason.</param>
    /// <returns>OpenAI's finish reason.</returns>
    public static string ToFinishReason(string? stopReason) => stopReason switch
    {
        "max_tokens" => "length",
        "tool_use" => "tool_calls",
        "refusal" => "content_filter",
        _ => "stop",
    };

    /// <summary>Builds Anthropic's usage object from OpenAI's counts; Anthropic's input tokens exclude cache reads.</summary>
    /// <param name="usage">OpenAI's usage object.</param>
    /// <returns>Anthropic's usage object.</returns>
    public static JsonObject ToAnthropicUsage(JsonNode? usage)
    {
        var prompt = ReadLong(usage?["prompt_tokens"]);
        var cached = Math.Min(ReadLong(usage?["prompt_tokens_details"]?["cached_tokens"]), prompt);
        return new JsonObject
        {
            ["input_tokens"] = prompt - cached,
            ["output_tokens"] = ReadLong(usage?["completion_tokens"]),
            ["cache_read_input_tokens"] = cached,
            ["cache_creation_input_tokens"] = 0,
        };
    }

    /// <summary>Builds OpenAI's usage object from Anthropic's counts; OpenAI's prompt tokens include cache reads and writes.</summary>
    /// <param name="usage">Anthropic's usage object.</param>
    /// <returns>OpenAI's usage object.</returns>
    public static JsonObject ToOpenAiUsage(JsonNode? usage)
    {
        var cacheRead = ReadLong(usage?["cache_read_input_tokens"]);
        var input = ReadLong(usage?["input_tokens"]) + cacheRead + ReadLong(usage?["cache_creation_input_tokens"]);
        var output = ReadLong(usage?["output_tokens"]);
        return new JsonObject
        {
            ["prompt_tokens"] = input,
            ["completion_tokens"] = output,
            ["total_tokens"] = input + output,
            ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = cacheRead },
        };
    }

    /// <summary>Translates an OpenAI chat.completion into an Anthropic message, using the first choice.</summary>
    /// <param name="completion">The chat completion.</param>
    /// <returns>The message.</returns>
    public static JsonObject ToAnthropicMessage(JsonObject completion)
    {
        ArgumentNullException.ThrowIfNull(completion);

        var choice = (completion["choices"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault();
        var message = choice?["message"] as JsonObject;
        var content = new JsonArray();
        if (AnthropicRequests.ReadText(message?["content"]) is { Length: > 0 } text)
        {
            content.Add(new JsonObject { ["type"] = "text", ["text"] = text });
        }

        foreach (var call in (message?["tool_calls"] as JsonArray ?? []).OfType<JsonObject>())
        {
            content.Add(new JsonObject
            {
                ["type"] = "tool_use",
                ["id"] = call["id"]?.DeepClone(),
                ["name"] = call["function"]?["name"]?.DeepClone(),
                ["input"] = ParseObject(AnthropicRequests.Text(call["function"]?["arguments"])),
            });
        }

        return new JsonObject
        {
            ["id"] = MessageId(AnthropicRequests.Text(completion["id"])),
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = completion["model"]?.DeepClone(),
            ["content"] = content,
            ["stop_reason"] = ToStopReason(AnthropicRequests.Text(choice?["finish_reason"])),
            ["stop_sequence"] = null,
            ["usage"] = ToAnthropicUsage(completion["usage"]),
        };
    }

    /// <summary>Translates an Anthropic message into an OpenAI chat.completion with one choice.</summary>
    /// <param name="message">The Anthropic message.</param>
    /// <returns>The chat completion.</returns>
    public static JsonObject ToOpenAiCompletion(JsonObject message)
    {
        ArgumentNullException.ThrowIfNull(message);

        var blocks = (message["content"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var text = string.Concat(blocks.Where(block => AnthropicRequests.Text(block["type"]) == "text").Select(block => AnthropicRequests.Text(block["text"])));
        var reply = new JsonObject { ["role"] = "assistant", ["content"] = text };
        var toolCalls = new JsonArray(blocks.Where(block => AnthropicRequests.Text(block["type"]) == "tool_use").Select(block => (JsonNode)new JsonObject
        {
            ["id"] = block["id"]?.DeepClone(),
            ["type"] = "function",
            ["function"] = new JsonObject { ["name"] = block["name"]?.DeepClone(), ["arguments"] = (block["input"] ?? new JsonObject()).ToJsonString() },
        }).ToArray());
        if (toolCalls.Count > 0)
        {
            reply["tool_calls"] = toolCalls;
        }

        return new JsonObject
        {
            ["id"] = message["id"]?.DeepClone(),
            ["object"] = "chat.completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = message["model"]?.DeepClone(),
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = reply,
                ["finish_reason"] = ToFinishReason(AnthropicRequests.Text(message["stop_reason"])),
            }),
            ["usage"] = ToOpenAiUsage(message["usage"]),
        };
    }

    /// <summary>Translates an error body in OpenAI's shape into Anthropic's, keeping the message and the gateway's code.</summary>
    /// <param name="status">The HTTP status.</param>
    /// <param name="openAiError">The OpenAI error body.</param>
    /// <returns>The Anthropic error body.</returns>
    public static JsonObject ToAnthropicError(int status, JsonObject? openAiError)
    {
        var error = openAiError?["error"] as JsonObject;
        var type = status switch
        {
            400 or 404 when AnthropicRequests.Text(error?["code"]) == "model_not_found" => "not_found_error",
            400 or 413 or 422 => "invalid_request_error",
            401 => "authentication_error",
            402 => "billing_error",
            403 => "permission_error",
            404 => "not_found_error",
            429 => "rate_limit_error",
            504 => "timeout_error",
            529 or 503 => "overloaded_error",
            _ => "api_error",
        };
        var translated = new JsonObject
        {
            ["type"] = type,
            ["message"] = AnthropicRequests.Text(error?["message"]) ?? $"The request failed with status {status}.",
        };
        if (AnthropicRequests.Text(error?["code"]) is { } code)
        {
            translated["code"] = code;
        }

        return new JsonObject { ["type"] = "error", ["error"] = translated };
    }

    internal static string MessageId(string? id) =>
        id is null ? "msg_" + Guid.NewGuid().ToString("N") : id.StartsWith("msg_", StringComparison.Ordinal) ? id : "msg_" + id;

    internal static long ReadLong(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue(out long number) && number > 0 ? number : 0;

    private static JsonObject ParseObject(string? json)
    {
        if (json is null)
        {
            return [];
        }

        try
        {
            return JsonNode.Parse(json) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
