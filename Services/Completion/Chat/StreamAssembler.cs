using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AspireAi.Completion.Chat;

/// <summary>
/// Collects the chunks of a streamed chat completion: the text delivered per choice, the finish
/// reasons and the usage, so the gateway can bill, cache and report the stream.
/// </summary>
public sealed class StreamAssembler(string requestedModel)
{
    private readonly SortedDictionary<int, StringBuilder> _content = [];
    private readonly Dictionary<int, string> _finishReasons = [];

    /// <summary>The response id from the chunks.</summary>
    public string? Id { get; private set; }

    /// <summary>The creation time from the chunks, in Unix seconds.</summary>
    public long Created { get; private set; }

    /// <summary>The model that answered, or the requested model until a chunk names one.</summary>
    public string Model { get; private set; } = requestedModel;

    /// <summary>The usage the provider reported, if it did.</summary>
    public ChatUsage? Usage { get; private set; }

    /// <summary>Whether a chunk carried something the cache cannot replay as text: tool calls, refusals or an error.</summary>
    public bool HasNonTextContent { get; private set; }

    /// <summary>All text delivered so far, every choice together.</summary>
    public string AllText => string.Concat(_content.Values.Select(builder => builder.ToString()));

    /// <summary>Whether every choice that started has a finish reason.</summary>
    public bool IsComplete => _content.Count > 0 && _content.Keys.All(_finishReasons.ContainsKey);

    /// <summary>Takes in one parsed chunk.</summary>
    /// <param name="chunk">The chunk.</param>
    /// <returns>True when the chunk is a usage-only chunk (no choices, a usage object).</returns>
    public bool Add(JsonObject chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);

        if (chunk["error"] is not null)
        {
            HasNonTextContent = true;
            return false;
        }

        if (Id is null && chunk["id"]?.GetValueKind() == JsonValueKind.String)
        {
            Id = chunk["id"]!.GetValue<string>();
        }

        if (Created == 0 && chunk["created"] is JsonValue created && created.TryGetValue(out long seconds))
        {
            Created = seconds;
        }

        if (chunk["model"]?.GetValueKind() == JsonValueKind.String && chunk["model"]!.GetValue<string>() is { Length: > 0 } model)
        {
            Model = model;
        }

        if (ChatUsage.FromResponse(chunk, Model) is { } usage)
        {
            Usage = usage;
        }

        var choices = chunk["choices"] as JsonArray;
        foreach (var choice in choices?.OfType<JsonObject>() ?? [])
        {
            var index = choice["index"] is JsonValue indexValue && indexValue.TryGetValue(out int i) ? i : 0;
            if (!_content.TryGetValue(index, out var builder))
            {
                builder = new StringBuilder();
                _content[index] = builder;
            }

            if (choice["delta"] is JsonObject delta)
            {
                if (delta["content"]?.GetValueKind() == JsonValueKind.String)
                {
                    builder.Append(delta["content"]!.GetValue<string>());
                }

                if (delta["tool_calls"] is not null || delta["function_call"] is not null
                    || delta["refusal"]?.GetValueKind() == JsonValueKind.String)
                {
                    HasNonTextContent = true;
                }
            }

            if (choice["finish_reason"]?.GetValueKind() == JsonValueKind.String)
            {
                _finishReasons[index] = choice["finish_reason"]!.GetValue<string>();
            }
        }

        return choices is { Count: 0 } && Usage is not null && chunk["usage"] is JsonObject;
    }

    /// <summary>Builds the chat.completion body that a non-streamed call would have returned.</summary>
    /// <param name="usage">The usage to put in the body.</param>
    /// <returns>The body.</returns>
    public JsonObject ToCompletion(ChatUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);

        var choices = new JsonArray();
        foreach (var (index, builder) in _content)
        {
            choices.Add(new JsonObject
            {
                ["index"] = index,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = builder.ToString() },
                ["finish_reason"] = _finishReasons.GetValueOrDefault(index),
            });
        }

        return new JsonObject
        {
            ["id"] = Id ?? "chatcmpl-" + Guid.NewGuid().ToString("N"),
            ["object"] = "chat.completion",
            ["created"] = Created,
            ["model"] = Model,
            ["choices"] = choices,
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = usage.InputTokens,
                ["completion_tokens"] = usage.OutputTokens,
                ["total_tokens"] = usage.InputTokens + usage.OutputTokens,
                ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = usage.CachedInputTokens },
            },
        };
    }
}
