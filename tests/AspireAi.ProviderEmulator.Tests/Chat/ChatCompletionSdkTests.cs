using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AspireAi.Tokenization;
using Microsoft.AspNetCore.Mvc.Testing;
using OpenAI.Chat;

namespace AspireAi.ProviderEmulator.Tests.Chat;

public sealed class ChatCompletionSdkTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    private const string Model = "gpt-4o-mini";

    private static readonly TokenCounter Tokens = TokenCounter.Shared;

    [Fact]
    public async Task CompleteChat_SimplePrompt_ReportsTokenizerUsage()
    {
        var chat = factory.CreateOpenAiClient().GetChatClient(Model);
        ChatMessage[] messages = [new SystemChatMessage("You are terse."), new UserChatMessage("What is the capital of France?")];

        ChatCompletion completion = await chat.CompleteChatAsync(messages, cancellationToken: TestContext.Current.CancellationToken);

        var text = Assert.Single(completion.Content).Text;
        Assert.False(string.IsNullOrWhiteSpace(text));
        Assert.Contains("What is the capital of France?", text, StringComparison.Ordinal);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        var expectedPrompt = Tokens.CountChat(Model, [new ChatText("system", "You are terse."), new ChatText("user", "What is the capital of France?")]);
        Assert.Equal(expectedPrompt, completion.Usage.InputTokenCount);
        Assert.Equal(Tokens.CountText(Model, text), completion.Usage.OutputTokenCount);
        Assert.Equal(expectedPrompt + Tokens.CountText(Model, text), completion.Usage.TotalTokenCount);
        Assert.Equal(0, completion.Usage.InputTokenDetails.CachedTokenCount);
        Assert.Equal(0, completion.Usage.OutputTokenDetails.ReasoningTokenCount);
    }

    [Fact]
    public async Task CompleteChat_SameRequestTwice_ReturnsSameText()
    {
        var chat = factory.CreateOpenAiClient().GetChatClient(Model);
        ChatMessage[] messages = [new UserChatMessage("Tell me about rivers.")];

        ChatCompletion first = await chat.CompleteChatAsync(messages, cancellationToken: TestContext.Current.CancellationToken);
        ChatCompletion second = await chat.CompleteChatAsync(messages, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(first.Content[0].Text, second.Content[0].Text);
        Assert.NotEqual(first.Id, second.Id);
    }

    [Fact]
    public async Task CompleteChat_DifferentPrompts_ReturnDifferentText()
    {
        var chat = factory.CreateOpenAiClient().GetChatClient(Model);

        ChatCompletion first = await chat.CompleteChatAsync([new UserChatMessage("First question")], cancellationToken: TestContext.Current.CancellationToken);
        ChatCompletion second = await chat.CompleteChatAsync([new UserChatMessage("Second question")], cancellationToken: TestContext.Current.CancellationToken);

        Assert.NotEqual(first.Content[0].Text, second.Content[0].Text);
    }

    [Fact]
    public async Task CompleteChat_OtherModel_ReturnsDifferentText()
    {
        var client = factory.CreateOpenAiClient();
        ChatMessage[] messages = [new UserChatMessage("Same prompt for two models")];

        ChatCompletion mini = await client.GetChatClient(Model).CompleteChatAsync(messages, cancellationToken: TestContext.Current.CancellationToken);
        ChatCompletion full = await client.GetChatClient("gpt-4o").CompleteChatAsync(messages, cancellationToken: TestContext.Current.CancellationToken);

        Assert.NotEqual(mini.Content[0].Text, full.Content[0].Text);
        Assert.Equal("gpt-4o", full.Model);
    }

    [Fact]
    public async Task Streaming_WithUsage_MatchesNonStreamed()
    {
        var chat = factory.CreateOpenAiClient().GetChatClient(Model);
        ChatMessage[] messages = [new UserChatMessage("Stream a reply about a café by the river, please.")];
        ChatCompletion whole = await chat.CompleteChatAsync(messages, cancellationToken: TestContext.Current.CancellationToken);

        var streamed = new StringBuilder();
        var updates = new List<StreamingChatCompletionUpdate>();
        await foreach (var update in chat.CompleteChatStreamingAsync(messages, cancellationToken: TestContext.Current.CancellationToken))
        {
            updates.Add(update);
            foreach (var part in update.ContentUpdate)
            {
                streamed.Append(part.Text);
            }
        }

        Assert.Equal(whole.Content[0].Text, streamed.ToString());
        Assert.True(updates.Count(update => update.ContentUpdate.Count > 0) > 1, "The text should arrive in several chunks.");
        Assert.Single(updates, update => update.FinishReason == ChatFinishReason.Stop);
        var usageUpdate = Assert.Single(updates, update => update.Usage is not null);
        Assert.Same(updates[^1], usageUpdate);
        Assert.Equal(whole.Usage.InputTokenCount, usageUpdate.Usage.InputTokenCount);
        Assert.Equal(whole.Usage.OutputTokenCount, usageUpdate.Usage.OutputTokenCount);
        Assert.Single(updates.Select(update => update.CompletionId).Distinct());
        Assert.Single(updates.Select(update => update.CreatedAt).Distinct());
    }

    [Fact]
    public async Task CompleteChat_MaxTokens_StopsWithLength()
    {
        var chat = factory.CreateOpenAiClient().GetChatClient(Model);
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 5 };

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Write a long story.")], options, TestContext.Current.CancellationToken);

        var text = completion.Content[0].Text;
        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(5, completion.Usage.OutputTokenCount);
        Assert.Equal(5, Tokens.CountText(Model, text));
    }

    [Fact]
    public async Task Streaming_MaxTokens_StreamsCutText()
    {
        var chat = factory.CreateOpenAiClient().GetChatClient(Model);
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 7 };
        ChatMessage[] messages = [new UserChatMessage("Write a long story.")];
        ChatCompletion whole = await chat.CompleteChatAsync(messages, options, TestContext.Current.CancellationToken);

        var streamed = new StringBuilder();
        ChatFinishReason? finishReason = null;
        await foreach (var update in chat.CompleteChatStreamingAsync(messages, options, TestContext.Current.CancellationToken))
        {
            streamed.Append(string.Concat(update.ContentUpdate.Select(part => part.Text)));
            finishReason ??= update.FinishReason;
        }

        Assert.Equal(whole.Content[0].Text, streamed.ToString());
        Assert.Equal(ChatFinishReason.Length, finishReason);
    }

    [Fact]
    public async Task CompleteChat_StopSequence_CutsBeforeSequence()
    {
        var chat = factory.CreateOpenAiClient().GetChatClient(Model);
        var options = new ChatCompletionOptions { StopSequences = { " reply" } };

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Hello")], options, TestContext.Current.CancellationToken);

        Assert.Equal("Emulated", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(Tokens.CountText(Model, "Emulated"), completion.Usage.OutputTokenCount);
    }

    [Fact]
    public async Task CompleteChat_ManyPrompts_IncludeNonAscii()
    {
        var chat = factory.CreateOpenAiClient().GetChatClient(Model);

        var replies = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage($"Prompt number {i}")], cancellationToken: TestContext.Current.CancellationToken);
            replies.Add(completion.Content[0].Text);
        }

        Assert.Contains(replies, reply => reply.Any(character => character > 127));
        Assert.All(replies, reply => Assert.False(string.IsNullOrWhiteSpace(reply)));
    }

    [Fact]
    public async Task Completion_ThreeChoices_SumsUsage()
    {
        using var client = factory.CreateAuthorizedClient();
        var body = new { model = Model, n = 3, messages = new[] { new { role = "user", content = "Give me options" } } };

        using var response = await client.PostAsJsonAsync("/v1/chat/completions", body, TestContext.Current.CancellationToken);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        response.EnsureSuccessStatusCode();
        var choices = json.RootElement.GetProperty("choices").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2], choices.Select(choice => choice.GetProperty("index").GetInt32()));
        var texts = choices.Select(choice => choice.GetProperty("message").GetProperty("content").GetString()!).ToList();
        Assert.Equal(3, texts.Distinct().Count());
        Assert.Equal(texts.Sum(text => Tokens.CountText(Model, text)), json.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Completion_TextParts_MatchStringContent()
    {
        using var client = factory.CreateAuthorizedClient();
        var asString = new { model = Model, messages = new object[] { new { role = "user", content = "Hello world" } } };
        var asParts = new
        {
            model = Model,
            messages = new object[] { new { role = "user", content = new[] { new { type = "text", text = "Hello " }, new { type = "text", text = "world" } } } },
        };

        using var stringResponse = await client.PostAsJsonAsync("/v1/chat/completions", asString, TestContext.Current.CancellationToken);
        using var partsResponse = await client.PostAsJsonAsync("/v1/chat/completions", asParts, TestContext.Current.CancellationToken);
        using var stringJson = JsonDocument.Parse(await stringResponse.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        using var partsJson = JsonDocument.Parse(await partsResponse.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));

        Assert.Equal(
            stringJson.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(),
            partsJson.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(
            stringJson.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(),
            partsJson.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
    }
}
