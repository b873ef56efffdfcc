using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using AspireAi.Tokenization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace AspireAi.ProviderEmulator.Chat;

/// <summary>Builds chat completions, whole or as a stream of chunks, from a validated request.</summary>
internal sealed class ChatCompletionService(
    ReplyGenerator generator,
    TokenCounter tokenCounter,
    EmulatedLatency latency,
    TimeProvider timeProvider,
    IOptions<JsonOptions> jsonOptions,
    ILogger<ChatCompletionService> logger)
{
    /// <summary>The <c>system_fingerprint</c> of every completion, so logs show which upstream responded.</summary>
    public const string SystemFingerprint = "fp_aspireai_emulator";

    /// <summary>The data of the server-sent event that ends a stream, as OpenAI sends it.</summary>
    public const string DoneMarker = "[DONE]";

    /// <summary>The JSON settings of the emulator's HTTP APIs: snake_case, nulls left out, raw UTF-8.</summary>
    public JsonSerializerOptions SerializerOptions => jsonOptions.Value.SerializerOptions;

    public async Task<ChatCompletionResponse> CreateAsync(ChatCompletionPlan plan, CancellationToken cancellationToken)
    {
        var replies = GenerateReplies(plan);
        var usage = new ChatCompletionUsage(CountPromptTokens(plan), replies.Sum(reply => reply.CompletionTokens));

        // Choices are generated side by side, so the longest one sets the wait.
        await latency.WaitForCompletionAsync(replies.Max(reply => reply.CompletionTokens), cancellationToken);

        var choices = replies
            .Select((reply, index) => new ChatCompletionChoice(index, new ChatCompletionResponseMessage(reply.Text), reply.FinishReason))
            .ToList();
        var response = new ChatCompletionResponse(CreateCompletionId(), UnixNow(), plan.Model, choices, usage);

        Log.ChatCompletionCreated(logger, response.Id, plan.Model, choices.Count, usage.PromptTokens, usage.CompletionTokens, streamed: false);
        return response;
    }

    /// <summary>
    /// Streams a completion in OpenAI's order: a role chunk per choice, then one token-sized piece of
    /// text per chunk with the choices interleaved, a finishing chunk per choice, the usage chunk when
    /// requested, and <c>[DONE]</c>.
    /// </summary>
    public async IAsyncEnumerable<SseItem<string>> StreamAsync(
        ChatCompletionPlan plan, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var replies = GenerateReplies(plan);
        var pieces = replies.Select(reply => tokenCounter.SplitText(plan.Model, reply.Text)).ToList();
        var id = CreateCompletionId();
        var created = UnixNow();

        await latency.WaitForFirstTokenAsync(cancellationToken);
        for (var choice = 0; choice < replies.Count; choice++)
        {
            yield return Event(new ChatCompletionChunk(
                id, created, plan.Model, [new ChatCompletionChunkChoice(choice, new ChatCompletionDelta("assistant", string.Empty), null)]));
        }

        var steps = pieces.Max(choicePieces => choicePieces.Count);
        for (var step = 0; step < steps; step++)
        {
            if (step > 0)
            {
                await latency.WaitForNextTokenAsync(cancellationToken);
            }

            for (var choice = 0; choice < replies.Count; choice++)
            {
                if (step < pieces[choice].Count)
                {
                    yield return Event(new ChatCompletionChunk(
                        id, created, plan.Model, [new ChatCompletionChunkChoice(choice, new ChatCompletionDelta(Content: pieces[choice][step]), null)]));
                }
            }
        }

        for (var choice = 0; choice < replies.Count; choice++)
        {
            yield return Event(new ChatCompletionChunk(
                id, created, plan.Model, [new ChatCompletionChunkChoice(choice, new ChatCompletionDelta(), replies[choice].FinishReason)]));
        }

        var usage = new ChatCompletionUsage(CountPromptTokens(plan), replies.Sum(reply => reply.CompletionTokens));
        if (plan.IncludeUsage)
        {
            yield return Event(new ChatCompletionChunk(id, created, plan.Model, [], usage));
        }

        yield return new SseItem<string>(DoneMarker);

        Log.ChatCompletionCreated(logger, id, plan.Model, replies.Count, usage.PromptTokens, usage.CompletionTokens, streamed: true);
    }

    private List<GeneratedReply> GenerateReplies(ChatCompletionPlan plan) =>
        Enumerable.Range(0, plan.ChoiceCount).Select(index => generator.Generate(plan, index)).ToList();

    private int CountPromptTokens(ChatCompletionPlan plan) => tokenCounter.CountChat(plan.Model, plan.Messages) + plan.MediaTokens;

    private SseItem<string> Event(ChatCompletionChunk chunk) =>
        new(JsonSerializer.Serialize(chunk, jsonOptions.Value.SerializerOptions));

    private long UnixNow() => timeProvider.GetUtcNow().ToUnixTimeSeconds();

    private static string CreateCompletionId() => "chatcmpl-" + Guid.NewGuid().ToString("N");
}
