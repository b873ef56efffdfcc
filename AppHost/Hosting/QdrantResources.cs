namespace AspireAi.AppHost.Hosting;

/// <summary>The Qdrant container image the container mode runs.</summary>
internal static class QdrantContainerImageTags
{
    /// <summary>docker.io</summary>
    public const string Registry = "docker.io";

    /// <summary>qdrant/qdrant</summary>
    public const string Image = "qdrant/qdrant";

    /// <summary>v1.15.5</summary>
    public const string Tag = "v1.15.5";
}

/// <summary>
/// A Qdrant server run as a container. Its connection string is <c>Endpoint=&lt;gRPC url&gt;;Key=&lt;api key&gt;</c>,
/// the form the embedding-search service's Qdrant client reads.
/// </summary>
/// <param name="name">The resource name.</param>
/// <param name="apiKey">The API key parameter, passed to Qdrant as QDRANT__SERVICE__API_KEY.</param>
public sealed class QdrantServerResource(string name, ParameterResource apiKey) : ContainerResource(name), IQdrantResource
{
    /// <inheritdoc />
    public ParameterResource ApiKeyParameter { get; } = apiKey;

    /// <inheritdoc />
    public EndpointReference GrpcEndpoint => new(this, QdrantEndpoints.GrpcEndpointName);

    /// <inheritdoc />
    public EndpointReference HttpEndpoint => new(this, QdrantEndpoints.HttpEndpointName);

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => QdrantEndpoints.ConnectionString(this);
}

/// <summary>A Qdrant server run from a local <c>qdrant</c> binary in local mode.</summary>
/// <param name="name">The resource name.</param>
/// <param name="command">The path of the qdrant binary.</param>
/// <param name="workingDirectory">The working directory, where Qdrant keeps its storage.</param>
/// <param name="apiKey">The API key parameter.</param>
public sealed class LocalQdrantResource(string name, string command, string workingDirectory, ParameterResource apiKey)
    : ExecutableResource(name, command, workingDirectory), IQdrantResource
{
    /// <inheritdoc />
    public ParameterResource ApiKeyParameter { get; } = apiKey;

    /// <inheritdoc />
    public EndpointReference GrpcEndpoint => new(this, QdrantEndpoints.GrpcEndpointName);

    /// <inheritdoc />
    public EndpointReference HttpEndpoint => new(this, QdrantEndpoints.HttpEndpointName);

    /// <inheritdoc />
    public ReferenceExpression ConnectionStringExpression => QdrantEndpoints.ConnectionString(this);
}

/// <summary>What both Qdrant resources expose.</summary>
public interface IQdrantResource : IResourceWithConnectionString
{
    /// <summary>The API key parameter.</summary>
    ParameterResource ApiKeyParameter { get; }

    /// <summary>The gRPC endpoint (6334 in the container), which Qdrant.Client uses.</summary>
    EndpointReference GrpcEndpoint { get; }

    /// <summary>The REST endpoint (6333 in the container), used for the health check.</summary>
    EndpointReference HttpEndpoint { get; }
}

/// <summary>Endpoint names, ports and the connection string shared by both Qdrant resources.</summary>
internal static class QdrantEndpoints
{
    public const string GrpcEndpointName = "grpc";
    public const string HttpEndpointName = "http";
    public const int GrpcPort = 6334;
    public const int HttpPort = 6333;

    public static ReferenceExpression ConnectionString(IQdrantResource resource) =>
        ReferenceExpression.Create($"Endpoint={resource.GrpcEndpoint.Property(EndpointProperty.Url)};Key={resource.ApiKeyParameter}");
}
