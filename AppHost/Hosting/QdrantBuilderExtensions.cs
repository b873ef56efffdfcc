using AspireAi.AppHost.Hosting;

namespace Aspire.Hosting;

/// <summary>Adds Qdrant to the application model, as a container or from a local binary.</summary>
public static class QdrantBuilderExtensions
{
    private const string ApiKeyEnvironmentVariable = "QDRANT__SERVICE__API_KEY";

    /// <summary>
    /// Adds a Qdrant container with gRPC on 6334 (HTTP/2) and REST on 6333, an API key, a data volume
    /// at /qdrant/storage (in run mode only) and a health check on <c>/readyz</c>.
    /// </summary>
    /// <param name="builder">The distributed application builder.</param>
    /// <param name="name">The resource name, which is also the connection string name.</param>
    /// <param name="apiKey">The API key parameter; a generated secret when <see langword="null"/>.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<QdrantServerResource> AddQdrant(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, IResourceBuilder<ParameterResource>? apiKey = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var key = apiKey?.Resource ?? CreateApiKey(builder, name);
        var resource = new QdrantServerResource(name, key);

        var qdrant = builder.AddResource(resource)
            .WithImage(QdrantContainerImageTags.Image, QdrantContainerImageTags.Tag)
            .WithImageRegistry(QdrantContainerImageTags.Registry)
            .WithHttpEndpoint(targetPort: QdrantEndpoints.GrpcPort, name: QdrantEndpoints.GrpcEndpointName)
            .WithEndpoint(QdrantEndpoints.GrpcEndpointName, endpoint => endpoint.Transport = "http2")
            .WithHttpEndpoint(targetPort: QdrantEndpoints.HttpPort, name: QdrantEndpoints.HttpEndpointName)
            .WithEnvironment(ApiKeyEnvironmentVariable, key)
            .WithEnvironment("QDRANT__SERVICE__ENABLE_STATIC_CONTENT", "0")
            .WithHttpHealthCheck("/readyz", endpointName: QdrantEndpoints.HttpEndpointName);

        // A published deployment gets no volume: Azure Container Apps offers only Azure Files shares,
        // which Qdrant does not support for its storage.
        if (!builder.ExecutionContext.IsPublishMode)
        {
            qdrant.WithVolume($"{builder.Environment.ApplicationName.ToLowerInvariant()}-{name}-data", "/qdrant/storage");
        }

        return qdrant;
    }

    /// <summary>
    /// Adds a Qdrant server run from a local binary, with its storage in <paramref name="dataDirectory"/>.
    /// </summary>
    /// <param name="builder">The distributed application builder.</param>
    /// <param name="name">The resource name, which is also the connection string name.</param>
    /// <param name="qdrantPath">The qdrant binary.</param>
    /// <param name="dataDirectory">The storage folder, kept across restarts.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<LocalQdrantResource> AddLocalQdrant(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, string qdrantPath, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(qdrantPath);
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);

        Directory.CreateDirectory(dataDirectory);
        var key = CreateApiKey(builder, name);
        var resource = new LocalQdrantResource(name, qdrantPath, dataDirectory, key);

        return builder.AddResource(resource)
            .WithHttpEndpoint(name: QdrantEndpoints.GrpcEndpointName, env: "QDRANT__SERVICE__GRPC_PORT")
            .WithEndpoint(QdrantEndpoints.GrpcEndpointName, endpoint => endpoint.Transport = "http2")
            .WithHttpEndpoint(name: QdrantEndpoints.HttpEndpointName, env: "QDRANT__SERVICE__HTTP_PORT")
            .WithEnvironment(ApiKeyEnvironmentVariable, key)
            .WithEnvironment("QDRANT__STORAGE__STORAGE_PATH", Path.Combine(dataDirectory, "storage"))
            .WithEnvironment("QDRANT__STORAGE__SNAPSHOTS_PATH", Path.Combine(dataDirectory, "snapshots"))
            .WithEnvironment("QDRANT__SERVICE__HOST", "127.0.0.1")
            .WithHttpHealthCheck("/readyz", endpointName: QdrantEndpoints.HttpEndpointName);
    }

    /// <summary>Finds a <c>qdrant</c> binary on PATH.</summary>
    /// <returns>The binary's full path, or <see langword="null"/>.</returns>
    public static string? FindQdrantOnPath()
    {
        var pathVariable = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return pathVariable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "qdrant"))
            .FirstOrDefault(File.Exists);
    }

    private static ParameterResource CreateApiKey(IDistributedApplicationBuilder builder, string name) =>
        builder.AddParameter($"{name}-api-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true).Resource;
}
