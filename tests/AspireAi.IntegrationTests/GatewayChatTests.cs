using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Text;
using AspireAi.IntegrationTests.Infrastructure;
using OpenAI.Chat;

namespace AspireAi.IntegrationTests;

public class GatewayChatTests(AspireAiAppFixture fixture)
{
    private const string Model = "gpt-4o-mini";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static string Header(PipelineResponse response, string name) =>
        response.Headers.TryGetValue(name, out var value) ? value! : throw new Xunit.Sdk.XunitException($"The response has no {name} header.");

    private static decimal Cost(PipelineResponse response) =>
        decimal.Parse(Header(response, "x-aspireai-cost"), NumberStyles.Number, CultureInfo.InvariantCulture);

    [Fact]
    public async Task CompleteChat_FirstCall_ReturnsTextWithCostAndMiss()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        var chat = tenant.CreateOpenAiClient().GetChatClient(Model);

        var result = await chat.CompleteChatAsync([new UserChatMessage("Name three rivers in Europe.")], cancellationToken: Cancellation);

        var response = result.GetRawResponse();
        Assert.False(string.IsNullOrWhiteSpace(result.Value.Content[0].Text));
        Assert.True(result.Value.Usage.InputTokenCount > 0);
        Assert.True(result.Value.Usage.OutputTokenCount > 0);
        Assert.Equal("miss", Header(response, "x-aspireai-cache"));
        Assert.True(Cost(response) > 0m);
    }

    [Fact]
    public async Task CompleteChat_Repeat_IsCacheHitWithZeroCost()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        var chat = tenant.CreateOpenAiClient().GetChatClient(Model);
        ChatMessage[] messages = [new SystemChatMessage("Answer briefly."), new UserChatMessage("What is the boiling point of water?")];

        var first = await chat.CompleteChatAsync(messages, cancellationToken: Cancellation);
        var second = await chat.CompleteChatAsync(messages, cancellationToken: Cancellation);

        Assert.Equal("miss", Header(first.GetRawResponse(), "x-aspireai-cache"));
        Assert.Equal("hit", Header(second.GetRawResponse(), "x-aspireai-cache"));
        Assert.Equal(0m, Cost(second.GetRawResponse()));
        Assert.Equal(Cost(first.GetRawResponse()), decimal.Parse(Header(second.GetRawResponse(), "x-aspireai-saved-cost"), CultureInfo.InvariantCulture));
        Assert.Equal(first.Value.Content[0].Text, second.Value.Content[0].Text);
    }

    [Fact]
    public async Task CompleteChatStreaming_MatchesNonStreamingText()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        var recorder = new ResponseRecorder();
        var chat = tenant.CreateOpenAiClient(recorder).GetChatClient(Model);
        ChatMessage[] messages = [new UserChatMessage("Describe a café by the harbour — in one line.")];

        var streamed = new StringBuilder();
        ChatTokenUsage? streamedUsage = null;
        var updates = chat.CompleteChatStreamingAsync(messages, cancellationToken: Cancellation);
        await foreach (var update in updates)
        {
            foreach (var part in update.ContentUpdate)
            {
                streamed.Append(part.Text);
            }

            streamedUsage ??= update.Usage;
        }

        var streamCacheStatus = recorder.Last["x-aspireai-cache"];
        var whole = await chat.CompleteChatAsync(messages, cancellationToken: Cancellation);

        Assert.Equal("miss", streamCacheStatus);
        Assert.Equal(whole.Value.Content[0].Text, streamed.ToString());
        Assert.NotNull(streamedUsage);
        Assert.Equal(whole.Value.Usage.OutputTokenCount, streamedUsage.OutputTokenCount);
        Assert.Equal("hit", Header(whole.GetRawResponse(), "x-aspireai-cache"));
    }

    [Fact]
    public async Task CompleteChatStreaming_Repeat_ServedFromCache()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        var recorder = new ResponseRecorder();
        var chat = tenant.CreateOpenAiClient(recorder).GetChatClient(Model);
        ChatMessage[] messages = [new UserChatMessage("Stream a short greeting for a new user.")];

        async Task<(string Text, string CacheStatus)> StreamAsync()
        {
            var text = new StringBuilder();
            var updates = chat.CompleteChatStreamingAsync(messages, cancellationToken: Cancellation);
            await foreach (var update in updates)
            {
                foreach (var part in update.ContentUpdate)
                {
                    text.Append(part.Text);
                }
            }

            return (text.ToString(), recorder.Last["x-aspireai-cache"]);
        }

        var first = await StreamAsync();
        var second = await StreamAsync();

        Assert.Equal("miss", first.CacheStatus);
        Assert.Equal("hit", second.CacheStatus);
        Assert.Equal(first.Text, second.Text);
        Assert.NotEmpty(second.Text);
    }

    [Fact]
    public async Task CompleteChat_WrongKey_Returns401()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        var impostor = tenant with { ApiKey = "aai_" + new string('x', 43) };
        var chat = impostor.CreateOpenAiClient().GetChatClient(Model);

        var exception = await Assert.ThrowsAsync<ClientResultException>(() =>
            chat.CompleteChatAsync([new UserChatMessage("Hello?")], cancellationToken: Cancellation));

        Assert.Equal(401, exception.Status);
    }

    [Fact]
    public async Task CompleteChat_SameRequestOtherTenant_IsNotServedFromFirstTenantsCache()
    {
        var first = await fixture.CreateTenantAsync(Cancellation);
        var second = await fixture.CreateTenantAsync(Cancellation);
        ChatMessage[] messages = [new UserChatMessage("Which tenant am I? " + Guid.NewGuid())];

        await first.CreateOpenAiClient().GetChatClient(Model).CompleteChatAsync(messages, cancellationToken: Cancellation);
        var other = await second.CreateOpenAiClient().GetChatClient(Model).CompleteChatAsync(messages, cancellationToken: Cancellation);

        Assert.Equal("miss", Header(other.GetRawResponse(), "x-aspireai-cache"));
        Assert.True(Cost(other.GetRawResponse()) > 0m);
    }

    [Fact]
    public async Task ListModels_ThroughGateway_ListsEmulatorModels()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);

        var models = await tenant.CreateOpenAiClient().GetOpenAIModelClient().GetModelsAsync(Cancellation);

        Assert.Contains(models.Value, model => model.Id == Model);
        Assert.Contains(models.Value, model => model.Id == "all-minilm-l6-v2");
    }

    [Fact]
    public async Task CompleteChat_EmptyBody_Returns400NamingTheProblem()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();

        using var response = await http.PostAsync("/v1/chat/completions", new StringContent(string.Empty, Encoding.UTF8, "application/json"), Cancellation);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The request body is empty", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }
}
