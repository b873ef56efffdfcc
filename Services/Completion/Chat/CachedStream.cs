using System.Text.Json.Nodes;

namespace AspireAi.Completion.Chat;

/// <summary>Replays a cached chat.completion as the chunks of a stream.</summary>
public static class CachedStream
{
    /// <summary>Turns a chat.completion body into stream chunks: role and text, finish reason, then usage if asked.</summary>
    /// <param name="completion">The cached body.</param>
    /// <param name="usage">The usage to report in the usage chunk.</param>
    /// <param name="includeUsage">Whether the client asked for a usage chunk.</param>
    /// <returns>The chunks in order, without the [DONE] marker.</returns>
    public static IEnumerable<JsonObject> ToChunks(JsonObject completion, ChatUsage usage, bool includeUsage)
    {
        ArgumentNullException.ThrowIfNull(completion);
        ArgumentNullException.ThrowIfNull(usage);

        var id = completion["id"]?.DeepClone();
        var created = completion["created"]?.DeepClone();
        var model = completion["model"]?.DeepClone();
        JsonObject Chunk(JsonArray choices) => new()
        {
            ["id"] = id?.DeepClone(),
            ["object"] = "chat.completion.chunk",
            ["created"] = created?.DeepClone(),
            ["model"] = model?.DeepClone(),
            ["choices"] = choices,
        };

        foreach (var choice in (completion["choices"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var index = choice["index"]?.DeepClone() ?? 0;
            var message = choice["message"] as JsonObject;
            yield return Chunk(
            [
                new JsonObject
                {
                    ["index"] = index.DeepClone(),
                    ["delta"] = new JsonObject { ["role"] = "assistant", ["content"] = message?["content"]?.DeepClone() },
                    ["finish_reason"] = null,
                },
            ]);
            yield return Chunk(
            [
                new JsonObject
                {
                    ["index"] = index.DeepClone(),
                    ["delta"] = new JsonObject(),
                    ["finish_reason"] = choice["finish_reason"]?.DeepClone(),
                },
            ]);
        }

        if (includeUsage)
        {
            var usageChunk = Chunk([]);
            usageChunk["usage"] = UsageObject(usage);
            usageChunk["aspireai"] = new JsonObject { ["cost"] = 0m, ["cache"] = "hit" };
            yield return usageChunk;
        }
    }

    /// <summary>Writes usage in OpenAI's shape.</summary>
    /// <param name="usage">The usage.</param>
    /// <returns>The usage object.</returns>
    public static JsonObject UsageObject(ChatUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);

        return new JsonObject
        {
            ["prompt_tokens"] = usage.InputTokens,
            ["completion_tokens"] = usage.OutputTokens,
            ["total_tokens"] = usage.InputTokens + usage.OutputTokens,
            ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = usage.CachedInputTokens },
        };
    }
}
