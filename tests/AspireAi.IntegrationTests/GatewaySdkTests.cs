using System.Text;
using Anthropic;
using Anthropic.Models.Messages;
using AspireAi.IntegrationTests.Infrastructure;
using Microsoft.Extensions.AI;

namespace AspireAi.IntegrationTests;

/// <summary>The official Anthropic SDK and Microsoft.Extensions.AI's IChatClient over the official OpenAI SDK, aimed at the gateway.</summary>
public class GatewaySdkTests(AspireAiAppFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false, "claude-sonnet-4")]
    [InlineData(true, "claude-sonnet-4")]
    [InlineData(false, "claude-3-5-haiku")]
    public async Task AnthropicSdk_CompletesAndStreamsWithUsage(bool bearer, string model)
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        var client = bearer
            ? new AnthropicClient { AuthToken = tenant.ApiKey, BaseUrl = tenant.GatewayBaseAddress.ToString().TrimEnd('/'), MaxRetries = 0 }
            : new AnthropicClient { ApiKey = tenant.ApiKey, BaseUrl = tenant.GatewayBaseAddress.ToString().TrimEnd('/'), MaxRetries = 0 };
        MessageCreateParams parameters = new()
        {
            MaxTokens = 300,
            Messages = [new UserMessageParam { Content = "Name a lighthouse in Norway. " + Guid.NewGuid() }],
            Model = model,
            System = "Answer in one line.",
        };

        var message = await client.Messages.Create(parameters, Cancellation);
        var streamed = new StringBuilder();
        long streamedOutputTokens = 0;
        await foreach (var item in client.Messages.CreateStreaming(parameters, Cancellation))
        {
            if (item.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var text))
            {
                streamed.Append(text.Text);
            }

            if (item.TryPickDelta(out var messageDelta))
            {
                streamedOutputTokens = messageDelta.Usage.OutputTokens;
            }
        }

        var whole = string.Concat(message.Content.Select(block => block.TryPickText(out var text) ? text.Text : string.Empty));
        Assert.Contains("Emulated reply", whole, StringComparison.Ordinal);
        Assert.Equal("end_turn", message.StopReason?.Raw());
        Assert.True(message.Usage.InputTokens > 0);
        Assert.True(message.Usage.OutputTokens > 0);
        Assert.Equal(whole, streamed.ToString());
        Assert.Equal(message.Usage.OutputTokens, streamedOutputTokens);
    }

    [Fact]
    public async Task ExtensionsAiChatClient_CompletesAndStreamsWithUsage()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        IChatClient client = tenant.CreateOpenAiClient().GetChatClient("gpt-4o-mini").AsIChatClient();
        var prompt = "Describe a harbour at dawn. " + Guid.NewGuid();

        var response = await client.GetResponseAsync(prompt, cancellationToken: Cancellation);
        var streamed = new StringBuilder();
        UsageDetails? streamedUsage = null;
        await foreach (var update in client.GetStreamingResponseAsync(prompt, cancellationToken: Cancellation))
        {
            streamed.Append(update.Text);
            streamedUsage ??= update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details;
        }

        Assert.False(string.IsNullOrWhiteSpace(response.Text));
        Assert.True(response.Usage?.InputTokenCount > 0);
        Assert.True(response.Usage?.OutputTokenCount > 0);
        Assert.Equal(response.Text, streamed.ToString());
        Assert.NotNull(streamedUsage);
        Assert.Equal(response.Usage!.OutputTokenCount, streamedUsage.OutputTokenCount);
    }
}
