using System.Text.Json;
using System.Text.Json.Nodes;

namespace AspireAi.Completion.Anthropic;

/// <summary>
/// Translates chat requests between Anthropic's Messages API and OpenAI's chat completions API, in
/// both directions: system prompt, text, images, PDF and text documents, tool definitions, tool calls
/// and tool results, stop sequences, sampling settings and the stream flag. Fields the source left
/// out stay out, never sent as null.
/// </summary>
public static class AnthropicRequests
{
    /// <summary>Translates an inbound Anthropic Messages request into an OpenAI chat request.</summary>
    /// <param name="messagesRequest">The Anthropic request.</param>
    /// <param name="chatRequest">The OpenAI request, when the input is valid.</param>
    /// <param name="error">What is wrong, when it is not.</param>
    /// <returns>True when the request could be translated.</returns>
    public static bool TryToOpenAi(JsonObject messagesRequest, out JsonObject? chatRequest, out string? error)
    {
        ArgumentNullException.ThrowIfNull(messagesRequest);

        chatRequest = null;
        error = null;
        if (messagesRequest["max_tokens"] is not JsonValue maxTokens || !maxTokens.TryGetValue(out int maxTokenCount) || maxTokenCount < 1)
        {
            error = "'max_tokens' is required and must be a whole number of 1 or more.";
            return false;
        }

        if (messagesRequest["messages"] is not JsonArray { Count: > 0 } messages)
        {
            error = "'messages' is required and must be a non-empty array of {\"role\", \"content\"} objects.";
            return false;
        }

        var openAiMessages = new JsonArray();
        if (ReadText(messagesRequest["system"]) is { Length: > 0 } system)
        {
            openAiMessages.Add(new JsonObject { ["role"] = "system", ["content"] = system });
        }

        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not JsonObject message || Text(message["role"]) is not ("user" or "assistant"))
            {
                error = $"'messages[{i}]' must be an object whose 'role' is user or assistant.";
                return false;
            }

            if (AddOpenAiMessages(openAiMessages, Text(message["role"])!, message["content"], $"messages[{i}]") is { } contentError)
            {
                error = contentError;
                return false;
            }
        }

        var chat = new JsonObject
        {
            ["model"] = messagesRequest["model"]?.DeepClone(),
            ["messages"] = openAiMessages,
            ["max_tokens"] = maxTokenCount,
        };
        CopyIfPresent(messagesRequest, "temperature", chat, "temperature");
        CopyIfPresent(messagesRequest, "top_p", chat, "top_p");
        CopyIfPresent(messagesRequest, "stop_sequences", chat, "stop");
        if (messagesRequest["metadata"]?["user_id"] is JsonValue user)
        {
            chat["user"] = user.DeepClone();
        }

        if (messagesRequest["tools"] is JsonArray tools)
        {
            chat["tools"] = new JsonArray(tools.OfType<JsonObject>().Select(tool => (JsonNode)new JsonObject
            {
                ["type"] = "function",
                ["function"] = WithoutNulls(new JsonObject
                {
                    ["name"] = tool["name"]?.DeepClone(),
                    ["description"] = tool["description"]?.DeepClone(),
                    ["parameters"] = tool["input_schema"]?.DeepClone(),
                }),
            }).ToArray());
        }

        if (messagesRequest["tool_choice"] is JsonObject toolChoice)
        {
            chat["tool_choice"] = Text(toolChoice["type"]) switch
            {
                "any" => "required",
                "none" => "none",
                "tool" => new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = toolChoice["name"]?.DeepClone() } },
                _ => "auto",
            };
        }

        if (messagesRequest["stream"]?.GetValueKind() == JsonValueKind.True)
        {
            chat["stream"] = true;

            // The translation back to Anthropic's events needs the usage chunk.
            chat["stream_options"] = new JsonObject { ["include_usage"] = true };
        }

        chatRequest = WithoutNulls(chat);
        return true;
    }

    /// <summary>Translates an OpenAI chat request into an Anthropic Messages request, for an Anthropic deployment.</summary>
    /// <param name="chatRequest">The OpenAI request.</param>
    /// <param name="model">The Anthropic model name.</param>
    /// <param name="defaultMaxTokens">The max_tokens to send when the request sets none, because Anthropic requires it.</param>
    /// <param name="stream">Whether to ask for a stream.</param>
    /// <returns>The Anthropic request.</returns>
    /// <exception cref="UntranslatableContentException">A content part has no counterpart in Anthropic's API, such as a non-PDF file.</exception>
    public static JsonObject FromOpenAi(JsonObject chatRequest, string model, int defaultMaxTokens, bool stream)
    {
        ArgumentNullException.ThrowIfNull(chatRequest);

        var system = new List<string>();
        var messages = new JsonArray();
        var chatMessages = chatRequest["messages"] as JsonArray ?? [];
        for (var i = 0; i < chatMessages.Count; i++)
        {
            if (chatMessages[i] is not JsonObject message)
            {
                continue;
            }

            var role = Text(message["role"]);
            switch (role)
            {
                case "system" or "developer":
                    if (ReadText(message["content"]) is { Length: > 0 } text)
                    {
                        system.Add(text);
                    }

                    break;

                case "tool":
                    AppendBlocks(messages, "user", [new JsonObject
                    {
                        ["type"] = "tool_result",
                        ["tool_use_id"] = message["tool_call_id"]?.DeepClone(),
                        ["content"] = ReadText(message["content"]) ?? string.Empty,
                    }]);
                    break;

                case "assistant":
                    var blocks = new List<JsonNode>();
                    if (ReadText(message["content"]) is { Length: > 0 } reply)
                    {
                        blocks.Add(new JsonObject { ["type"] = "text", ["text"] = reply });
                    }

                    foreach (var call in (message["tool_calls"] as JsonArray ?? []).OfType<JsonObject>())
                    {
                        blocks.Add(new JsonObject
                        {
                            ["type"] = "tool_use",
                            ["id"] = call["id"]?.DeepClone(),
                            ["name"] = call["function"]?["name"]?.DeepClone(),
                            ["input"] = ParseArguments(call["function"]?["arguments"]),
                        });
                    }

                    AppendBlocks(messages, "assistant", blocks);
                    break;

                default:
                    AppendBlocks(messages, "user", UserBlocks(message["content"], $"messages[{i}].content"));
                    break;
            }
        }

        var maxTokens = ReadInt(chatRequest["max_completion_tokens"]) ?? ReadInt(chatRequest["max_tokens"]) ?? defaultMaxTokens;
        var request = new JsonObject { ["model"] = model, ["max_tokens"] = maxTokens, ["messages"] = messages };
        if (system.Count > 0)
        {
            request["system"] = string.Join("\n\n", system);
        }

        CopyIfPresent(chatRequest, "temperature", request, "temperature");
        CopyIfPresent(chatRequest, "top_p", request, "top_p");
        if (chatRequest["stop"] is JsonValue stop && stop.GetValueKind() == JsonValueKind.String)
        {
            request["stop_sequences"] = new JsonArray(stop.DeepClone());
        }
        else
        {
            CopyIfPresent(chatRequest, "stop", request, "stop_sequences");
        }

        if (chatRequest["user"] is JsonValue user)
        {
            request["metadata"] = new JsonObject { ["user_id"] = user.DeepClone() };
        }

        if (chatRequest["tools"] is JsonArray tools)
        {
            request["tools"] = new JsonArray(tools.OfType<JsonObject>().Select(tool => (JsonNode)WithoutNulls(new JsonObject
            {
                ["name"] = tool["function"]?["name"]?.DeepClone(),
                ["description"] = tool["function"]?["description"]?.DeepClone(),
                ["input_schema"] = tool["function"]?["parameters"]?.DeepClone() ?? new JsonObject { ["type"] = "object" },
            })).ToArray());
        }

        request["tool_choice"] = chatRequest["tool_choice"] switch
        {
            JsonValue choice when Text(choice) == "required" => new JsonObject { ["type"] = "any" },
            JsonValue choice when Text(choice) == "none" => new JsonObject { ["type"] = "none" },
            JsonValue choice when Text(choice) == "auto" => new JsonObject { ["type"] = "auto" },
            JsonObject choice when choice["function"]?["name"] is JsonValue name => new JsonObject { ["type"] = "tool", ["name"] = name.DeepClone() },
            _ => null,
        };

        if (stream)
        {
            request["stream"] = true;
        }

        return WithoutNulls(request);
    }

    /// <summary>Returns the text of a string or of an array of text blocks or parts.</summary>
    /// <param name="content">The content.</param>
    /// <returns>The text, or <see langword="null"/> when there is none.</returns>
    public static string? ReadText(JsonNode? content) => content switch
    {
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        JsonArray parts => string.Concat(parts.OfType<JsonObject>().Where(part => Text(part["type"]) == "text").Select(part => Text(part["text"]))),
        _ => null,
    };

    internal static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>Adds the OpenAI messages of one Anthropic message; returns what is wrong with its content, or null.</summary>
    private static string? AddOpenAiMessages(JsonArray target, string role, JsonNode? content, string path)
    {
        if (content is not JsonArray blocks)
        {
            target.Add(new JsonObject { ["role"] = role, ["content"] = ReadText(content) ?? string.Empty });
            return null;
        }

        var parts = new JsonArray();
        var hasMedia = false;
        var toolCalls = new JsonArray();
        for (var j = 0; j < blocks.Count; j++)
        {
            if (blocks[j] is not JsonObject block)
            {
                continue;
            }

            switch (Text(block["type"]))
            {
                case "text":
                    parts.Add(new JsonObject { ["type"] = "text", ["text"] = Text(block["text"]) ?? string.Empty });
                    break;

                case "image" or "document":
                    if (role != "user")
                    {
                        return $"'{path}.content[{j}]' is {MediaBlocks.WithArticle(Text(block["type"]))} block in {MediaBlocks.WithArticle(role)} message. Images and documents belong in user messages.";
                    }

                    if (MediaBlocks.TryToOpenAiPart(block, $"{path}.content[{j}]", out var part) is { } mediaError)
                    {
                        return mediaError;
                    }

                    hasMedia |= Text(part!["type"]) != "text";
                    parts.Add(part);
                    break;

                case "tool_use":
                    toolCalls.Add(new JsonObject
                    {
                        ["id"] = block["id"]?.DeepClone(),
                        ["type"] = "function",
                        ["function"] = new JsonObject
                        {
                            ["name"] = block["name"]?.DeepClone(),
                            ["arguments"] = (block["input"] ?? new JsonObject()).ToJsonString(),
                        },
                    });
                    break;

                case "tool_result":
                    target.Add(new JsonObject
                    {
                        ["role"] = "tool",
                        ["tool_call_id"] = block["tool_use_id"]?.DeepClone(),
                        ["content"] = ReadText(block["content"]) ?? string.Empty,
                    });
                    break;
            }
        }

        var text = string.Concat(parts.OfType<JsonObject>().Select(part => Text(part["text"])));
        if (role == "assistant" && toolCalls.Count > 0)
        {
            var message = new JsonObject { ["role"] = "assistant", ["tool_calls"] = toolCalls };
            if (text.Length > 0)
            {
                message["content"] = text;
            }

            target.Add(message);
        }
        else if (hasMedia)
        {
            // Images and files keep their place among the text, so the parts stay an array.
            target.Add(new JsonObject { ["role"] = role, ["content"] = parts });
        }
        else if (text.Length > 0)
        {
            target.Add(new JsonObject { ["role"] = role, ["content"] = text });
        }

        return null;
    }

    /// <summary>Translates a user message's content into Anthropic blocks, keeping images and PDFs in their place among the text.</summary>
    private static List<JsonNode> UserBlocks(JsonNode? content, string path)
    {
        if (content is not JsonArray parts || parts.OfType<JsonObject>().All(part => Text(part["type"]) == "text"))
        {
            return [new JsonObject { ["type"] = "text", ["text"] = ReadText(content) ?? string.Empty }];
        }

        var blocks = new List<JsonNode>();
        for (var j = 0; j < parts.Count; j++)
        {
            if (parts[j] is not JsonObject part)
            {
                continue;
            }

            blocks.Add(Text(part["type"]) == "text"
                ? new JsonObject { ["type"] = "text", ["text"] = Text(part["text"]) ?? string.Empty }
                : MediaBlocks.ToAnthropicBlock(part, $"{path}[{j}]"));
        }

        return blocks;
    }

    /// <summary>Adds content blocks to the conversation, merging them into the last message when it has the same role, as Anthropic expects alternating roles.</summary>
    private static void AppendBlocks(JsonArray messages, string role, IEnumerable<JsonNode> blocks)
    {
        var list = blocks.ToList();
        if (list.Count == 0)
        {
            return;
        }

        if (messages.Count > 0 && messages[^1] is JsonObject last && Text(last["role"]) == role && last["content"] is JsonArray existing)
        {
            foreach (var block in list)
            {
                existing.Add(block);
            }

            return;
        }

        messages.Add(new JsonObject { ["role"] = role, ["content"] = new JsonArray(list.ToArray()) });
    }

    private static JsonNode ParseArguments(JsonNode? arguments)
    {
        if (Text(arguments) is { } text)
        {
            try
            {
                return JsonNode.Parse(text) as JsonObject ?? new JsonObject();
            }
            catch (JsonException)
            {
                return new JsonObject();
            }
        }

        return new JsonObject();
    }

    private static int? ReadInt(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue(out int number) ? number : null;

    private static void CopyIfPresent(JsonObject source, string sourceName, JsonObject target, string targetName)
    {
        if (source[sourceName] is { } value)
        {
            target[targetName] = value.DeepClone();
        }
    }

    private static JsonObject WithoutNulls(JsonObject body)
    {
        foreach (var name in body.Where(pair => pair.Value is null).Select(pair => pair.Key).ToList())
        {
            body.Remove(name);
        }

        return body;
    }
}
