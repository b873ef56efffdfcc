using Microsoft.Extensions.Options;

namespace AspireAi.ProviderEmulator;

/// <summary>Writes the start-up log entry that names the emulator as a development and test upstream.</summary>
internal sealed class StartupLogger(IOptions<ProviderEmulatorOptions> options, ILogger<StartupLogger> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        Log.EmulatorStarted(
            logger,
            string.Join(", ", settings.Models),
            !string.IsNullOrEmpty(settings.ApiKey),
            settings.TimeToFirstToken,
            settings.TokensPerSecond);

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
