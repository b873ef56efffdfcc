using System.Text.Json;
using System.Text.Json.Serialization;

namespace AspireAi.ProviderEmulator.Chat;

/// <summary>The fields of an OpenAI chat completion request that the emulator reads; other fields are ignored.</summary>
public sealed class ChatCompletionRequest
{
    /// <summary>The model id.</summary>
    public string? Model { get; set; }

    /// <summary>The conversation so far.</summary>
    public List<ChatCompletionRequestMessage?>? Messages { get; set; }

    /// <summary>The legacy limit on completion tokens per choice.</summary>
    public int? MaxTokens { get; set; }

    /// <summary>The limit on completion tokens per choice; the OpenAI .NET SDK sends this one.</summary>
    public int? MaxCompletionTokens { get; set; }

    /// <summary>The number of choices to generate.</summary>
    public int? N { get; set; }

    /// <summary>Whether to respond with server-sent events.</summary>
    public bool? Stream { get; set; }

    /// <summary>Streaming options; only allowed with <see cref="Stream"/>.</summary>
    public ChatStreamOptions? StreamOptions { get; set; }

    /// <summary>The sampling temperature, accepted and checked but without effect on the reply.</summary>
    public double? Temperature { get; set; }

    /// <summary>The nucleus sampling mass, accepted and checked but without effect on the reply.</summary>
    public double? TopP { get; set; }

    /// <summary>The sampling seed, accepted but without effect because replies are always deterministic.</summary>
    public long? Seed { get; set; }

    /// <summary>A stop sequence or an array of up to four; the reply is cut before the first one found.</summary>
    public JsonElement Stop { get; set; }

    /// <summary>The end-user id, accepted and ignored.</summary>
    public string? User { get; set; }
}

/// <summary>One message of a chat completion request.</summary>
public sealed class ChatCompletionRequestMessage
{
    /// <summary>The author role: system, developer, user, assistant, tool or function.</summary>
    public string? Role { get; set; }

    /// <summary>A string, an array of content parts, or null on an assistant message with tool calls.</summary>
    public JsonElement Content { get; set; }

    /// <summary>The optional participant name.</summary>
    public string? Name { get; set; }
}

/// <summary>The <c>stream_options</c> object.</summary>
public sealed class ChatStreamOptions
{
    /// <summary>Whether to send a last chunk with usage and no choices before <c>[DONE]</c>.</summary>
    public bool? IncludeUsage { get; set; }
}

/// <summary>A non-streamed chat completion.</summary>
/// <param name="Id">The completion id.</param>
/// <param name="Created">The creation time in Unix seconds.</param>
/// <param name="Model">The model id.</param>
/// <param name="Choices">The generated choices.</param>
/// <param name="Usage">The token usage of the request.</param>
public sealed record ChatCompletionResponse(
    string Id,
    long Created,
    string Model,
    IReadOnlyList<ChatCompletionChoice> Choices,
    ChatCompletionUsage Usage)
{
    /// <summary>Always <c>chat.completion</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Object => "chat.completion";

    /// <summary>An identifier of the backend configuration.</summary>
    public string SystemFingerprint => ChatCompletionService.SystemFingerprint;
}

/// <summary>One choice of a non-streamed chat completion.</summary>
/// <param name="Index">The choice index.</param>
/// <param name="Message">The assistant message.</param>
/// <param name="FinishReason"><c>stop</c> or <c>length</c>.</param>
public sealed record ChatCompletionChoice(int Index, ChatCompletionResponseMessage Message, string FinishReason)
{
    /// <summary>Always null: the emulator returns no log probabilities.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public object? Logprobs => null;
}

/// <summary>The assistant message of a choice.</summary>
/// <param name="Content">The reply text.</param>
public sealed record ChatCompletionResponseMessage(string Content)
{
    /// <summary>Always <c>assistant</c>.</summary>
    public string Role => "assistant";

    /// <summary>Always null: the emulator never refuses.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Refusal => null;
}

/// <summary>Token usage as OpenAI reports it.</summary>
/// <param name="PromptTokens">Tokens of the prompt, chat format overhead included.</param>
/// <param name="CompletionTokens">Tokens of all generated choices.</param>
public sealed record ChatCompletionUsage(int PromptTokens, int CompletionTokens)
{
    /// <summary>The sum of prompt and completion tokens.</summary>
    public int TotalTokens => PromptTokens + CompletionTokens;

    /// <summary>Always zero cached and audio tokens: the emulator has no prompt cache.</summary>
    public PromptTokensDetails PromptTokensDetails { get; } = new();

    /// <summary>Always zero reasoning and audio tokens.</summary>
    public CompletionTokensDetails CompletionTokensDetails { get; } = new();
}

/// <summary>The breakdown of prompt tokens.</summary>
public sealed record PromptTokensDetails
{
    /// <summary>Prompt tokens served from a prompt cache.</summary>
    public int CachedTokens { get; init; }

    /// <summary>Audio prompt tokens.</summary>
    public int AudioTokens { get; init; }
}

/// <summary>The breakdown of completion tokens.</summary>
public sealed record CompletionTokensDetails
{
    /// <summary>Tokens spent on hidden reasoning.</summary>
    public int ReasoningTokens { get; init; }

    /// <summary>Audio completion tokens.</summary>
    public int AudioTokens { get; init; }
}

/// <summary>One server-sent event of a streamed chat completion.</summary>
/// <param name="Id">The completion id, the same in every chunk of a stream.</param>
/// <param name="Created">The creation time in Unix seconds, the same in every chunk of a stream.</param>
/// <param name="Model">The model id.</param>
/// <param name="Choices">The choice deltas; empty in the usage chunk.</param>
/// <param name="Usage">The usage, only in the last chunk when <c>stream_options.include_usage</c> is true.</param>
public sealed record ChatCompletionChunk(
    string Id,
    long Created,
    string Model,
    IReadOnlyList<ChatCompletionChunkChoice> Choices,
    ChatCompletionUsage? Usage = null)
{
    /// <summary>Always <c>chat.completion.chunk</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Object => "chat.completion.chunk";

    /// <summary>An identifier of the backend configuration.</summary>
    public string SystemFingerprint => ChatCompletionService.SystemFingerprint;
}

/// <summary>One choice's part of a chunk.</summary>
/// <param name="Index">The choice index.</param>
/// <param name="Delta">The role or text added by this chunk; empty in the finishing chunk.</param>
/// <param name="FinishReason">Null until the choice's last chunk, then <c>stop</c> or <c>length</c>.</param>
public sealed record ChatCompletionChunkChoice(
    int Index,
    ChatCompletionDelta Delta,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? FinishReason)
{
    /// <summary>Always null: the emulator returns no log probabilities.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public object? Logprobs => null;
}

/// <summary>The change that a chunk makes to a choice's message.</summary>
/// <param name="Role">The role, in the first chunk of a choice only.</param>
/// <param name="Content">The next piece of text.</param>
public sealed record ChatCompletionDelta(string? Role = null, string? Content = null);
