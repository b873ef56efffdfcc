using AspireAi.EmbeddingSearch.Storage.Qdrant;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Qdrant.Client;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers a <see cref="QdrantClient"/> the way Aspire's client integrations do, with a health check.</summary>
public static class QdrantClientExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="QdrantClient"/> configured from
    /// <see cref="QdrantClientSettings.DefaultConfigSectionName"/>, its named subsection, the
    /// connection string <paramref name="connectionName"/> and <paramref name="configureSettings"/>,
    /// each overriding the one before, plus a health check named <c>qdrant</c> unless disabled.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="connectionName">The connection string name, such as <c>qdrant</c>.</param>
    /// <param name="configureSettings">Changes the settings after configuration is read.</param>
    /// <returns>The same builder, for chaining.</returns>
    /// <exception cref="InvalidOperationException">No endpoint is configured.</exception>
    public static IHostApplicationBuilder AddQdrantClient(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<QdrantClientSettings>? configureSettings = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionName);

        var settings = ReadSettings(builder.Configuration, connectionName, configureSettings);
        if (settings.Endpoint is null)
        {
            throw new InvalidOperationException(
                $"No Qdrant endpoint is configured. Set the connection string ConnectionStrings:{connectionName} to 'Endpoint=http://host:6334;Key=<api key>', "
                + $"or set {QdrantClientSettings.DefaultConfigSectionName}:Endpoint.");
        }

        builder.Services.AddSingleton(provider => new QdrantClient(
            settings.Endpoint,
            settings.Key,
            settings.Timeout,
            provider.GetService<ILoggerFactory>()));

        if (!settings.DisableHealthChecks)
        {
            builder.Services.AddHealthChecks().AddCheck<QdrantHealthCheck>("qdrant", failureStatus: HealthStatus.Unhealthy);
        }

        return builder;
    }

    /// <summary>Reads the settings in Aspire's order; public so the order can be tested without a host.</summary>
    /// <param name="configuration">The configuration to read.</param>
    /// <param name="connectionName">The connection string name.</param>
    /// <param name="configureSettings">Changes the settings last.</param>
    /// <returns>The settings.</returns>
    public static QdrantClientSettings ReadSettings(IConfiguration configuration, string connectionName, Action<QdrantClientSettings>? configureSettings)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        var settings = new QdrantClientSettings();
        var section = configuration.GetSection(QdrantClientSettings.DefaultConfigSectionName);
        section.Bind(settings);
        section.GetSection(connectionName).Bind(settings);
        settings.ParseConnectionString(configuration.GetConnectionString(connectionName));
        configureSettings?.Invoke(settings);
        return settings;
    }
}

/// <summary>Reports healthy when Qdrant responds to its gRPC health check.</summary>
internal sealed class QdrantHealthCheck(QdrantClient client) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var reply = await client.HealthAsync(cancellationToken);
            return HealthCheckResult.Healthy($"Qdrant {reply.Version} answered.", new Dictionary<string, object> { ["version"] = reply.Version });
        }
        catch (Grpc.Core.RpcException exception)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"Qdrant did not answer its health check: {exception.Status.StatusCode}.", exception);
        }
    }
}
