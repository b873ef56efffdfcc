// WithHttpProbe and ProbeType are marked for evaluation in Aspire 13.6 (ASPIREPROBES001). They are the
// only way to put probes into the published model, so this file opts in.
#pragma warning disable ASPIREPROBES001

namespace AspireAi.AppHost.Hosting;

/// <summary>
/// Settings that apply only when the AppHost publishes a deployment (the Aspire manifest that azd reads),
/// so <c>dotnet run</c> on a developer machine keeps one process per service and no probes.
/// </summary>
public static class PublishModeExtensions
{
    /// <summary>The replica count of a stateless service in a published deployment.</summary>
    public const int StatelessReplicas = 2;

    /// <summary>
    /// Adds a liveness probe on <c>/alive</c> and a readiness probe on <c>/health</c> in publish mode.
    /// Both paths are mapped by <c>MapDefaultEndpoints</c> in every environment.
    /// </summary>
    /// <param name="project">The service.</param>
    /// <returns>The same builder.</returns>
    public static IResourceBuilder<ProjectResource> WithPublishedProbes(this IResourceBuilder<ProjectResource> project)
    {
        if (!project.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return project;
        }

        // The annotation rather than WithHttpProbe, because WithHttpProbe also adds an AppHost health check on
        // the same path and the services already have one on /health.
        var endpoint = project.GetEndpoint("http");
        return project
            .WithAnnotation(HttpProbe(ProbeType.Liveness, endpoint, "/alive"))
            .WithAnnotation(HttpProbe(ProbeType.Readiness, endpoint, "/health"));
    }

    private static EndpointProbeAnnotation HttpProbe(ProbeType type, EndpointReference endpoint, string path) => new()
    {
        Type = type,
        EndpointReference = endpoint,
        Path = path,
        InitialDelaySeconds = 5,
        PeriodSeconds = 10,
        TimeoutSeconds = 5,
        FailureThreshold = 3,
    };

    /// <summary>
    /// Sets <see cref="StatelessReplicas"/> replicas in publish mode. Use it only on a service whose
    /// state lives in Redis, PostgreSQL or Qdrant, because each replica has its own file system.
    /// </summary>
    /// <param name="project">The stateless service.</param>
    /// <returns>The same builder.</returns>
    public static IResourceBuilder<ProjectResource> WithPublishedReplicas(this IResourceBuilder<ProjectResource> project)
    {
        return project.ApplicationBuilder.ExecutionContext.IsPublishMode
            ? project.WithReplicas(StatelessReplicas)
            : project;
    }
}
