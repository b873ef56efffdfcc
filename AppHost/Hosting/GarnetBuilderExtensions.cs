using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AspireAi.AppHost.Hosting;
using Garnet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Aspire.Hosting;

/// <summary>Adds an in-process Garnet server to the application model.</summary>
public static class GarnetBuilderExtensions
{
    /// <summary>
    /// Adds a Garnet server on a free loopback port, started in the AppHost process when the
    /// application starts and stopped with it. Lua scripting is on, as Redis has it.
    /// </summary>
    /// <param name="builder">The distributed application builder.</param>
    /// <param name="name">The resource name, which is also the connection string name.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<GarnetResource> AddInProcessGarnet(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var resource = new GarnetResource(name, FindFreeLoopbackPort());
        var server = new GarnetServerHolder(resource.Port);
        builder.Services.AddSingleton<IHostedService>(server);

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddCheck(healthCheckKey, () => server.IsRunning
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("The Garnet server has not started."));

        builder.Eventing.Subscribe<BeforeStartEvent>(async (@event, cancellationToken) =>
        {
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            await notifications.PublishUpdateAsync(resource, state => state with
            {
                State = KnownResourceStates.Starting,
            });

            try
            {
                server.Start();
            }
            catch (Exception exception) when (exception is SocketException or InvalidOperationException)
            {
                await notifications.PublishUpdateAsync(resource, state => state with
                {
                    State = KnownResourceStates.FailedToStart,
                });
                throw new DistributedApplicationException(
                    $"The in-process Garnet server '{name}' could not listen on 127.0.0.1:{resource.Port}: {exception.Message}", exception);
            }

            await notifications.PublishUpdateAsync(resource, state => state with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
                Urls = [new UrlSnapshot("tcp", $"tcp://127.0.0.1:{resource.Port}", IsInternal: false)],
            });
        });

        return builder.AddResource(resource)
            .WithHealthCheck(healthCheckKey)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Garnet",
                State = KnownResourceStates.NotStarted,
                Properties = [new ResourcePropertySnapshot(CustomResourceKnownProperties.Source, "Microsoft.Garnet (in the AppHost process)")],
            });
    }

    private static int FindFreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Owns the server so the host stops it on shutdown.</summary>
    private sealed class GarnetServerHolder(int port) : IHostedService, IDisposable
    {
        private readonly Lock _gate = new();
        private GarnetServer? _server;

        public bool IsRunning
        {
            get
            {
                lock (_gate)
                {
                    return _server is not null;
                }
            }
        }

        public void Start()
        {
            lock (_gate)
            {
                if (_server is not null)
                {
                    return;
                }

                string[] arguments =
                [
                    "--bind", IPAddress.Loopback.ToString(),
                    "--port", port.ToString(CultureInfo.InvariantCulture),
                    "--lua",
                ];
                var server = new GarnetServer(arguments);
                server.Start();
                _server = server;
            }
        }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            Dispose();
            return Task.CompletedTask;
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _server?.Dispose();
                _server = null;
            }
        }
    }
}
