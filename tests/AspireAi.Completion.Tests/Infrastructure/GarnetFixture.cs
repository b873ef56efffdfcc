using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Garnet;
using StackExchange.Redis;

[assembly: AssemblyFixture(typeof(AspireAi.Completion.Tests.Infrastructure.GarnetFixture))]

namespace AspireAi.Completion.Tests.Infrastructure;

/// <summary>A Garnet server with Lua on a free loopback port, shared by the test run; tests use unique keys.</summary>
public sealed class GarnetFixture : IAsyncLifetime
{
    private GarnetServer? _server;

    public IConnectionMultiplexer Redis { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        _server = new GarnetServer(["--bind", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--lua"]);
        _server.Start();
        Redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port}");
    }

    public async ValueTask DisposeAsync()
    {
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        _server?.Dispose();
    }
}
