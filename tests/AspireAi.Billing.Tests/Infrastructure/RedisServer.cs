using System.Net;
using System.Net.Sockets;
using Garnet;

namespace AspireAi.Billing.Tests.Infrastructure;

/// <summary>
/// One in-process Garnet server (Redis protocol, Lua enabled) on a free loopback port, started on first use
/// and shared by every billing host of the test run. Tests never share Redis keys, because counter keys
/// contain the ids of budgets that each test creates.
/// </summary>
public static class RedisServer
{
    private static readonly Lazy<(GarnetServer Server, string ConnectionString)> Instance = new(Start);

    /// <summary>The StackExchange.Redis connection string of the shared server.</summary>
    public static string ConnectionString => Instance.Value.ConnectionString;

    private static (GarnetServer, string) Start()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var server = new GarnetServer(["--bind", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--lua"]);
        server.Start();
        return (server, $"127.0.0.1:{port}");
    }
}
