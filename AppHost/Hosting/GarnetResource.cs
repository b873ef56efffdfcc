using System.Globalization;

namespace AspireAi.AppHost.Hosting;

/// <summary>
/// A Garnet server that speaks the Redis protocol, run inside the AppHost process in local mode,
/// so no Redis install is needed.
/// </summary>
/// <param name="name">The resource name.</param>
/// <param name="port">The loopback port the server listens on.</param>
public sealed class GarnetResource(string name, int port) : Resource(name), IResourceWithConnectionString
{
    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; } = port;

    /// <summary>The StackExchange.Redis connection string: <c>127.0.0.1:port</c>.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}");
}
