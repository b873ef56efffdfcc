using System.Text.Json.Nodes;

namespace AspireAi.Completion.Anthropic;

/// <summary>
/// Turns OpenAI chat completion chunks into Anthropic's message events: message_start, a
/// content_block_start / delta / stop run per text or tool-use block, message_delta with the stop
/// reason and usage, and message_stop. Only the first choice is translated, as Anthropic has one.
/// </summary>
public sealed class OpenAiToAnthropicEvents(string requestedModel)
{
    private bool _started;
    private int _blockIndex = -1;
    private string? _openBlock;
    private readonly Dictionary<int, int> _toolBlocks = [];
    private string? _finishReason;
    private JsonNode? _usage;

    /// <summary>Translates one chunk.</summary>
    /// <param name="chunk">The OpenAI chunk.</param>
    /// <returns>The Anthropic events, as event type and data.</returns>
    public IEnumerable<(string EventType, JsonObject Data)> Add(JsonObject chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);

        var events = new List<(string, JsonObject)>();
        if (chunk["error"] is JsonObject)
        {
            events.Add(("error", AnthropicResponses.ToAnthropicError(502, chunk)));
            return events;
        }

        if (!_started)
        {
            _started = true;
            events.Add(("message_start", new JsonObject
            {
                ["type"] = "message_start",
                ["message"] = new JsonObject
                {
                    ["id"] = AnthropicResponses.MessageId(AnthropicRequests.Text(chunk["id"])),
                    ["type"] = "message",
                    ["role"] = "assistant",
                    ["model"] = AnthropicRequests.Text(chunk["model"]) ?? requestedModel,
                    ["content"] = new JsonArray(),
                    ["stop_reason"] = null,
                    ["stop_sequence"] = null,
                    ["usage"] = new JsonObject { ["input_tokens"] = 0, ["output_tokens"] = 0 },
                },
            }));
        }

        if (chunk["usage"] is JsonObject usage)
        {
            _usage = usage.DeepClone();
        }

        var choice = (chunk["choices"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["index"] is not JsonValue index || index.GetValue<int>() == 0);
        if (choice is null)
        {
            return events;
        }

        if (choice["delta"] is JsonObject delta)
        {
            if (AnthropicRequests.Text(delta["content"]) is { Length: > 0 } text)
            {
                if (_openBlock != "text")
                {
                    StartBlock(events, "text", new JsonObject { ["type"] = "text", ["text"] = string.Empty });
                }

                events.Add(("content_block_delta", new JsonObject
                {
                    ["type"] = "content_block_delta",
                    ["index"] = _blockIndex,
                    ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = text },
                }));
            }

            foreach (var call in (delta["tool_calls"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var toolIndex = call["index"] is JsonValue value && value.TryGetValue(out int i) ? i : 0;
                if (!_toolBlocks.ContainsKey(toolIndex))
                {
                    StartBlock(events, "tool_use", new JsonObject
                    {
                        ["type"] = "tool_use",
                        ["id"] = call["id"]?.DeepClone(),
                        ["name"] = call["function"]?["name"]?.DeepClone(),
                        ["input"] = new JsonObject(),
                    });
                    _toolBlocks[toolIndex] = _blockIndex;
                }

                if (AnthropicRequests.Text(call["function"]?["arguments"]) is { Length: > 0 } arguments)
                {
                    events.Add(("content_block_delta", new JsonObject
                    {
                        ["type"] = "content_block_delta",
                        ["index"] = _toolBlocks[toolIndex],
                        ["delta"] = new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = arguments },
                    }));
                }
            }
        }

        if (AnthropicRequests.Text(choice["finish_reason"]) is { } finishReason)
        {
            _finishReason = finishReason;
        }

        return events;
    }

    /// <summary>Ends the message after the last chunk.</summary>
    /// <returns>The closing events.</returns>
    public IEnumerable<(string EventType, JsonObject Data)> Finish()
    {
        var events = new List<(string, JsonObject)>();
        CloseBlock(events);
        var usage = AnthropicResponses.ToAnthropicUsage(_usage);
        events.Add(("message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = AnthropicResponses.ToStopReason(_finishReason), ["stop_sequence"] = null },
            ["usage"] = usage,
        }));
        events.Add(("message_stop", new JsonObject { ["type"] = "message_stop" }));
        return events;
    }

    private void StartBlock(List<(string, JsonObject)> events, string kind, JsonObject block)
    {
        CloseBlock(events);
        _blockIndex++;
        _openBlock = kind;
        events.Add(("content_block_start", new JsonObject { ["type"] = "content_block_start", ["index"] = _blockIndex, ["content_block"] = block }));
    }

    private void CloseBlock(List<(string, JsonObject)> events)
    {
        if (_openBlock is not null)
        {
            events.Add(("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = _blockIndex }));
            _openBlock = null;
        }
    }
}

/// <summary>
/// Turns Anthropic's message events into OpenAI chat completion chunks, ending with a usage chunk,
/// so an Anthropic deployment streams through the same relay as an OpenAI one.
/// </summary>
public sealed class AnthropicToOpenAiChunks(string requestedModel)
{
    private readonly Dictionary<int, int> _toolIndexes = [];
    private string _id = "chatcmpl-" + Guid.NewGuid().ToString("N");
    private string _model = requestedModel;
    private readonly long _created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    private readonly JsonObject _usage = new();

    /// <summary>Whether <c>message_stop</c> has arrived.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>Translates one event.</summary>
    /// <param name="eventType">The <c>event:</c> field, or the data's <c>type</c> when the field is missing.</param>
    /// <param name="data">The event's data.</param>
    /// <returns>The OpenAI chunks.</returns>
    public IEnumerable<JsonObject> Add(string? eventType, JsonObject data)
    {
        ArgumentNullException.ThrowIfNull(data);

        switch (eventType ?? AnthropicRequests.Text(data["type"]))
        {
            case "message_start":
                var message = data["message"] as JsonObject;
                _id = AnthropicRequests.Text(message?["id"]) ?? _id;
                _model = AnthropicRequests.Text(message?["model"]) ?? _model;
                Merge(message?["usage"]);
                yield return Chunk(new JsonObject { ["role"] = "assistant", ["content"] = string.Empty }, null);
                break;

            case "content_block_start" when data["content_block"] is JsonObject block && AnthropicRequests.Text(block["type"]) == "tool_use":
                var toolIndex = _toolIndexes.Count;
                _toolIndexes[(int)AnthropicResponses.ReadLong(data["index"])] = toolIndex;
                yield return Chunk(new JsonObject
                {
                    ["tool_calls"] = new JsonArray(new JsonObject
                    {
                        ["index"] = toolIndex,
                        ["id"] = block["id"]?.DeepClone(),
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = block["name"]?.DeepClone(), ["arguments"] = string.Empty },
                    }),
                }, null);
                break;

            case "content_block_delta" when data["delta"] is JsonObject delta:
                if (AnthropicRequests.Text(delta["type"]) == "text_delta")
                {
                    yield return Chunk(new JsonObject { ["content"] = delta["text"]?.DeepClone() }, null);
                }
                else if (AnthropicRequests.Text(delta["type"]) == "input_json_delta"
                    && _toolIndexes.TryGetValue((int)AnthropicResponses.ReadLong(data["index"]), out var index))
                {
                    yield return Chunk(new JsonObject
                    {
                        ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = index, ["function"] = new JsonObject { ["arguments"] = delta["partial_json"]?.DeepClone() } }),
                    }, null);
                }

                break;

            case "message_delta":
                Merge(data["usage"]);
                if (AnthropicRequests.Text(data["delta"]?["stop_reason"]) is { } stopReason)
                {
                    yield return Chunk(new JsonObject(), AnthropicResponses.ToFinishReason(stopReason));
                }

                break;

            case "message_stop":
                IsComplete = true;
                var usageChunk = Chunk(null, null);
                usageChunk["choices"] = new JsonArray();
                usageChunk["usage"] = AnthropicResponses.ToOpenAiUsage(_usage);
                yield return usageChunk;
                break;

            case "error":
                yield return new JsonObject { ["error"] = data["error"]?.DeepClone() ?? new JsonObject { ["message"] = "The provider sent an error event." } };
                break;
        }
    }

    private void Merge(JsonNode? usage)
    {
        foreach (var (name, value) in usage as JsonObject ?? [])
        {
            if (value is JsonValue number && number.TryGetValue(out long count) && count > 0)
            {
                _usage[name] = count;
            }
        }
    }

    private JsonObject Chunk(JsonObject? delta, string? finishReason)
    {
        var chunk = new JsonObject
        {
            ["id"] = _id,
            ["object"] = "chat.completion.chunk",
            ["created"] = _created,
            ["model"] = _model,
        };
        if (delta is not null)
        {
            chunk["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finishReason });
        }

        return chunk;
    }
}
