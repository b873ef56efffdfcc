using System.ClientModel;
using System.Diagnostics;
using System.Globalization;
using AspireAi.Samples.DocsQa.Gateway;
using OpenAI.Chat;

namespace AspireAi.Samples.DocsQa.Answers;

/// <summary>One answered question with the gateway's cost and cache headers.</summary>
/// <param name="Question">The question as asked.</param>
/// <param name="Text">The model's answer.</param>
/// <param name="Passages">The passages sent as context, in prompt order.</param>
/// <param name="Cost">The billed cost in US dollars, or <see langword="null"/> when the header was missing or <c>unpriced</c>.</param>
/// <param name="CostHeader">The raw <c>x-aspireai-cost</c> value, or "missing".</param>
/// <param name="CacheStatus">The <c>x-aspireai-cache</c> value: hit, miss, bypass, or "missing".</param>
/// <param name="SavedCost">The <c>x-aspireai-saved-cost</c> value on a cache hit, in US dollars.</param>
/// <param name="Model">The model that the completion names.</param>
/// <param name="Elapsed">The time for the search and the completion together.</param>
internal sealed record Answer(
    string Question,
    string Text,
    IReadOnlyList<Passage> Passages,
    decimal? Cost,
    string CostHeader,
    string CacheStatus,
    decimal? SavedCost,
    string Model,
    TimeSpan Elapsed);

/// <summary>Answers a question: search the collection, then ask the chat model with the passages as context.</summary>
internal sealed class QuestionAnswerer(CollectionsClient collections, ChatClient chat, string collection, int passageCount)
{
    public const string CostHeader = "x-aspireai-cost";
    public const string CacheHeader = "x-aspireai-cache";
    public const string SavedCostHeader = "x-aspireai-saved-cost";

    // Fixed so the request body, and with it the gateway's cache key, is the same on every run.
    private static readonly ChatCompletionOptions CompletionOptions = new() { Temperature = 0f, MaxOutputTokenCount = 400 };

    public async Task<Answer> AnswerAsync(string question, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var hits = await collections.SearchAsync(collection, question, passageCount, cancellationToken);
        var passages = PromptBuilder.ToPassages(hits);

        ChatMessage[] messages =
        [
            new SystemChatMessage(PromptBuilder.SystemPrompt),
            new UserChatMessage(PromptBuilder.BuildUserMessage(question, passages)),
        ];

        ClientResult<ChatCompletion> result;
        try
        {
            result = await chat.CompleteChatAsync(messages, CompletionOptions, cancellationToken);
        }
        catch (ClientResultException exception)
        {
            throw new DocsQaException(DescribeChatFailure(exception), exception);
        }

        var headers = result.GetRawResponse().Headers;
        var costText = headers.TryGetValue(CostHeader, out var cost) && cost is not null ? cost : "missing";
        var cacheStatus = headers.TryGetValue(CacheHeader, out var cache) && cache is not null ? cache : "missing";
        var savedCost = headers.TryGetValue(SavedCostHeader, out var saved) ? ParseMoney(saved) : null;
        var completion = result.Value;
        var text = string.Concat(completion.Content.Select(part => part.Text));

        return new Answer(question, text, passages, ParseMoney(costText), costText, cacheStatus, savedCost, completion.Model, stopwatch.Elapsed);
    }

    private static decimal? ParseMoney(string? value) =>
        decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var amount) ? amount : null;

    private static string DescribeChatFailure(ClientResultException exception)
    {
        if (exception.Status == 0)
        {
            return $"The chat completion request could not reach the gateway ({exception.Message}). "
                + "Check that the AppHost is still running and that --gateway-url points at the gateway.";
        }

        var detail = exception.GetRawResponse() is { } response ? ErrorDetail.FromBody(response.Content.ToString()) : exception.Message;
        var advice = exception.Status == 401
            ? " Set ASPIREAI_API_KEY to a valid key, or restart the AppHost in Development so that it writes .aspireai/dev-api-key again."
            : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"The chat completion request failed with HTTP {exception.Status}: {detail}{advice}");
    }
}
