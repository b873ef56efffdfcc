using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace AspireAi.AppHost.Hosting;

/// <summary>Whether infrastructure runs in containers or from local binaries.</summary>
public enum ContainerUse
{
    /// <summary>Probe the container runtime and use containers when it answers.</summary>
    Auto,

    /// <summary>Always use containers.</summary>
    Always,

    /// <summary>Never use containers: Garnet, the machine's PostgreSQL and optionally a local qdrant binary.</summary>
    Never,
}

/// <summary>The <c>AspireAi</c> section of the AppHost's configuration, read once before the model is built.</summary>
public sealed class AppHostSettings
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AspireAi";

    /// <summary>The default fixed HTTP port of the gateway in development.</summary>
    public const int DefaultGatewayPort = 5080;

    /// <summary>The default fixed HTTP port of billing (its admin API) in development.</summary>
    public const int DefaultBillingPort = 5081;

    /// <summary><c>AspireAi:UseContainers</c>: auto, true or false.</summary>
    public ContainerUse UseContainers { get; init; } = ContainerUse.Auto;

    /// <summary><c>AspireAi:Gateway:Port</c>: the gateway's HTTP port; 0 lets Aspire pick one.</summary>
    public int GatewayPort { get; init; } = DefaultGatewayPort;

    /// <summary><c>AspireAi:Billing:Port</c>: billing's HTTP port, where its admin API is; 0 lets Aspire pick one.</summary>
    public int BillingPort { get; init; } = DefaultBillingPort;

    /// <summary><c>AspireAi:Local:DataDirectory</c>: where local mode keeps PostgreSQL's and the vector index's data.</summary>
    public required string DataDirectory { get; init; }

    /// <summary><c>AspireAi:Local:PostgresBinDirectory</c>: the folder with initdb and postgres; found automatically when empty.</summary>
    public string? PostgresBinDirectory { get; init; }

    /// <summary><c>AspireAi:Local:QdrantPath</c>: a qdrant binary; looked up on PATH when empty, and none means the embedded index.</summary>
    public string? QdrantPath { get; init; }

    /// <summary><c>AspireAi:Development:ApiKeyFile</c>: where the seeded development key is written; empty turns seeding off.</summary>
    public string? DevelopmentApiKeyFile { get; init; }

    /// <summary>Reads and validates the settings, reporting every invalid key at once.</summary>
    /// <param name="configuration">The AppHost's configuration.</param>
    /// <param name="appHostDirectory">The AppHost project's folder, the base of relative paths.</param>
    /// <param name="isDevelopment">Whether development seeding is on by default.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="InvalidOperationException">A setting is invalid; the message names each one.</exception>
    public static AppHostSettings Read(IConfiguration configuration, string appHostDirectory, bool isDevelopment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(appHostDirectory);

        var section = configuration.GetSection(SectionName);
        var errors = new List<string>();

        var useContainers = ContainerUse.Auto;
        var useContainersText = section["UseContainers"];
        switch (useContainersText?.Trim().ToLowerInvariant())
        {
            case null or "" or "auto":
                break;
            case "true":
                useContainers = ContainerUse.Always;
                break;
            case "false":
                useContainers = ContainerUse.Never;
                break;
            default:
                errors.Add($"AspireAi:UseContainers is '{useContainersText}'; use auto, true or false.");
                break;
        }

        var gatewayPort = ReadPort(section, "Gateway:Port", DefaultGatewayPort, errors);
        var billingPort = ReadPort(section, "Billing:Port", DefaultBillingPort, errors);

        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Invalid AppHost configuration: " + string.Join(" ", errors));
        }

        var repositoryRoot = Path.GetFullPath(Path.Combine(appHostDirectory, ".."));
        var dataDirectory = ResolvePath(section["Local:DataDirectory"], appHostDirectory)
            ?? Path.Combine(repositoryRoot, ".aspireai", "data");
        var devKeyFile = section.GetSection("Development:ApiKeyFile").Exists()
            ? ResolvePath(section["Development:ApiKeyFile"], appHostDirectory)
            : isDevelopment ? Path.Combine(repositoryRoot, ".aspireai", "dev-api-key") : null;

        return new AppHostSettings
        {
            UseContainers = useContainers,
            GatewayPort = gatewayPort,
            BillingPort = billingPort,
            DataDirectory = dataDirectory,
            PostgresBinDirectory = ResolvePath(section["Local:PostgresBinDirectory"], appHostDirectory),
            QdrantPath = ResolvePath(section["Local:QdrantPath"], appHostDirectory),
            DevelopmentApiKeyFile = devKeyFile,
        };
    }

    private static int ReadPort(IConfiguration section, string key, int defaultPort, List<string> errors)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultPort;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            errors.Add($"AspireAi:{key} is '{text}'; use a port number from 1 to 65535, or 0 to let Aspire pick one.");
            return defaultPort;
        }

        return port;
    }

    private static string? ResolvePath(string? value, string baseDirectory) =>
        string.IsNullOrWhiteSpace(value) ? null : Path.GetFullPath(value, baseDirectory);
}
