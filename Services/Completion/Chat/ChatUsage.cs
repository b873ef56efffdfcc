using System.Text.Json.Nodes;

namespace AspireAi.Completion.Chat;

/// <summary>The token usage of one chat completion.</summary>
/// <param name="Model">The model that answered.</param>
/// <param name="InputTokens">Prompt tokens, cached ones included (OpenAI's <c>prompt_tokens</c>).</param>
/// <param name="CachedInputTokens">OpenAI's <c>prompt_tokens_details.cached_tokens</c>.</param>
/// <param name="OutputTokens">OpenAI's <c>completion_tokens</c>.</param>
public sealed record ChatUsage(string Model, long InputTokens, long CachedInputTokens, long OutputTokens)
{
    /// <summary>Reads the <c>usage</c> object of a chat.completion or of a stream's usage chunk.</summary>
    /// <param name="body">The response or chunk.</param>
    /// <param name="fallbackModel">The model to report when the body names none.</param>
    /// <returns>The usage, or <see langword="null"/> when the body has no usage object.</returns>
    public static ChatUsage? FromResponse(JsonObject body, string fallbackModel)
    {
        ArgumentNullException.ThrowIfNull(body);

        if (body["usage"] is not JsonObject usage)
        {
            return null;
        }

        var model = body["model"]?.GetValue<string>() is { Length: > 0 } name ? name : fallbackModel;
        var input = ReadCount(usage["prompt_tokens"]);
        var output = ReadCount(usage["completion_tokens"]);
        var cached = Math.Min(ReadCount(usage["prompt_tokens_details"]?["cached_tokens"]), input);
        return new ChatUsage(model, input, cached, output);
    }

    private static long ReadCount(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue(out long count) && count > 0 ? count : 0;
}
