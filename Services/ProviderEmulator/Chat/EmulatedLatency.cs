using Microsoft.Extensions.Options;

namespace AspireAi.ProviderEmulator.Chat;

/// <summary>Waits as a model would: <c>TimeToFirstToken</c> before the first token, then 1 / <c>TokensPerSecond</c> per token.</summary>
internal sealed class EmulatedLatency(IOptions<ProviderEmulatorOptions> options, TimeProvider timeProvider)
{
    public Task WaitForFirstTokenAsync(CancellationToken cancellationToken) =>
        DelayAsync(options.Value.TimeToFirstToken, cancellationToken);

    public Task WaitForNextTokenAsync(CancellationToken cancellationToken) =>
        DelayAsync(TimePerToken(1), cancellationToken);

    /// <summary>Waits for a whole non-streamed completion: the first token, then the remaining ones.</summary>
    public Task WaitForCompletionAsync(int completionTokens, CancellationToken cancellationToken) =>
        DelayAsync(options.Value.TimeToFirstToken + TimePerToken(Math.Max(0, completionTokens - 1)), cancellationToken);

    private TimeSpan TimePerToken(int tokens)
    {
        var tokensPerSecond = options.Value.TokensPerSecond;
        return tokensPerSecond > 0 ? TimeSpan.FromSeconds(tokens / tokensPerSecond) : TimeSpan.Zero;
    }

    private Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken) =>
        delay > TimeSpan.Zero ? Task.Delay(delay, timeProvider, cancellationToken) : Task.CompletedTask;
}
