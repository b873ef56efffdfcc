using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace AspireAi.ServiceDefaults;

/// <summary>
/// A hosted service that flushes logs, metrics and traces within a bounded time when the service
/// stops. With Aspire's OTLP retry setting and no collector listening, the exporters retried until
/// their export timeout, and the gateway took about 15 s to exit: longer than Aspire waits when it
/// stops a resource.
/// </summary>
internal sealed class TelemetryShutdown(IServiceProvider services) : IHostedService
{
    /// <summary>The longest a stopping service waits for its last telemetry to be exported.</summary>
    public static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(2);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var timeout = (int)FlushTimeout.TotalMilliseconds;
        var flushes = new List<Task>(3);
        if (services.GetService<TracerProvider>() is { } tracer)
        {
            flushes.Add(Task.Run(() => tracer.Shutdown(timeout), CancellationToken.None));
        }

        if (services.GetService<MeterProvider>() is { } meter)
        {
            flushes.Add(Task.Run(() => meter.Shutdown(timeout), CancellationToken.None));
        }

        if (services.GetService<LoggerProvider>() is { } logger)
        {
            flushes.Add(Task.Run(() => logger.Shutdown(timeout), CancellationToken.None));
        }

        // An exporter that ignores its own timeout must not hold the process either; its thread is
        // a background thread, so the process exits without it.
        await Task.WhenAny(Task.WhenAll(flushes), Task.Delay(FlushTimeout + FlushTimeout, cancellationToken)).ConfigureAwait(false);
    }
}
