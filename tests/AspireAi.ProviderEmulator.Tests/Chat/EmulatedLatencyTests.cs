using System.Text;
using AspireAi.ProviderEmulator.Chat;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using OpenAI.Chat;

namespace AspireAi.ProviderEmulator.Tests.Chat;

public sealed class EmulatedLatencyTests(WebApplicationFactory<Program> factory) : IClassFixture<WebApplicationFactory<Program>>
{
    [Fact]
    public async Task WaitForCompletion_ElevenTokens_WaitsFullDuration()
    {
        var time = new FakeTimeProvider();
        var latency = CreateLatency(time, TimeSpan.FromSeconds(2), tokensPerSecond: 5);

        var wait = latency.WaitForCompletionAsync(11, TestContext.Current.CancellationToken);

        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(4) - TimeSpan.FromMilliseconds(1));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await wait;
    }

    [Fact]
    public async Task WaitForFirstToken_DelaySet_WaitsThatLong()
    {
        var time = new FakeTimeProvider();
        var latency = CreateLatency(time, TimeSpan.FromMilliseconds(750), tokensPerSecond: 0);

        var wait = latency.WaitForFirstTokenAsync(TestContext.Current.CancellationToken);

        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(749));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await wait;
    }

    [Fact]
    public void WaitForNextToken_NoRate_CompletesAtOnce()
    {
        var latency = CreateLatency(new FakeTimeProvider(), TimeSpan.Zero, tokensPerSecond: 0);

        var wait = latency.WaitForNextTokenAsync(TestContext.Current.CancellationToken);

        Assert.True(wait.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Streaming_WithLatency_KeepsSameText()
    {
        using var slow = factory.WithWebHostBuilder(builder => builder
            .UseSetting("ProviderEmulator:TimeToFirstToken", "00:00:00.010")
            .UseSetting("ProviderEmulator:TokensPerSecond", "2000"));
        ChatMessage[] messages = [new UserChatMessage("Latency does not change the words")];
        ChatCompletion reference = await factory.CreateOpenAiClient().GetChatClient("gpt-4o-mini")
            .CompleteChatAsync(messages, cancellationToken: TestContext.Current.CancellationToken);

        var streamed = new StringBuilder();
        await foreach (var update in slow.CreateOpenAiClient().GetChatClient("gpt-4o-mini")
            .CompleteChatStreamingAsync(messages, cancellationToken: TestContext.Current.CancellationToken))
        {
            streamed.Append(string.Concat(update.ContentUpdate.Select(part => part.Text)));
        }

        Assert.Equal(reference.Content[0].Text, streamed.ToString());
    }

    private static EmulatedLatency CreateLatency(TimeProvider time, TimeSpan timeToFirstToken, double tokensPerSecond) =>
        new(Options.Create(new ProviderEmulatorOptions { TimeToFirstToken = timeToFirstToken, TokensPerSecond = tokensPerSecond }), time);
}
