using Microsoft.Extensions.Options;

namespace AspireAi.Completion.Providers;

/// <summary>One place that serves a model, resolved from configuration.</summary>
/// <param name="Key">The circuit breaker's key: the model and the deployment's position, or <c>upstream:{model}</c>.</param>
/// <param name="ProviderName">The provider name for the ledger, prices and telemetry.</param>
/// <param name="Endpoint">The provider account.</param>
/// <param name="UpstreamModel">The model or Azure deployment name sent to the provider.</param>
/// <param name="Weight">The share of requests among the model's deployments.</param>
public sealed record Deployment(string Key, string ProviderName, ProviderEndpointOptions Endpoint, string UpstreamModel, int Weight);

/// <summary>The deployments to try for one model, in the order chosen for this request.</summary>
/// <param name="Model">The model.</param>
/// <param name="Deployments">The deployments, weighted-shuffled.</param>
public sealed record ModelRoute(string Model, IReadOnlyList<Deployment> Deployments);

/// <summary>Everything to try for one request, in order, with the request's timeouts.</summary>
/// <param name="Models">The requested model, then its fallbacks.</param>
/// <param name="AttemptTimeout">How long one attempt may wait for response headers.</param>
/// <param name="TotalTimeout">How long the request may take in all, stream included.</param>
/// <param name="IdleTimeout">How long a stream may go without an event.</param>
public sealed record RoutePlan(IReadOnlyList<ModelRoute> Models, TimeSpan AttemptTimeout, TimeSpan TotalTimeout, TimeSpan IdleTimeout);

/// <summary>Resolves model aliases, deployments, fallbacks and timeouts from <see cref="CompletionOptions"/>.</summary>
public sealed class ProviderCatalog(IOptions<CompletionOptions> options)
{
    /// <summary>The circuit key prefix of the deployments built from <c>Completion:Upstream</c>, one per model.</summary>
    public const string DefaultDeploymentKey = "upstream";

    /// <summary>Returns the model an alias stands for, or the name itself when it is no alias.</summary>
    /// <param name="model">The model name a client sent.</param>
    /// <returns>The model to serve.</returns>
    public string ResolveAlias(string model) =>
        options.Value.Aliases.TryGetValue(model, out var target) && !string.IsNullOrWhiteSpace(target) ? target : model;

    /// <summary>Returns the provider name that prices a model before a deployment is chosen: its first deployment's.</summary>
    /// <param name="model">The model.</param>
    /// <returns>The provider name.</returns>
    public string PriceProvider(string model) => DeploymentsOf(model).FirstOrDefault()?.ProviderName ?? options.Value.Upstream.Provider;

    /// <summary>Returns the API kinds of a model's deployments. A model without deployments goes to <c>Completion:Upstream</c>, which speaks OpenAI's API.</summary>
    /// <param name="model">The model, aliases already resolved.</param>
    /// <returns>The distinct kinds, empty when no provider is configured.</returns>
    public IReadOnlySet<ProviderKind> KindsOf(string model) => DeploymentsOf(model).Select(deployment => deployment.Endpoint.Kind).ToHashSet();

    /// <summary>
    /// Builds the plan of one request: the model's deployments, then each fallback's, each list
    /// weighted-shuffled. Each timeout is the model's when it sets one, else the route's, else
    /// <c>Completion:Upstream</c>'s.
    /// </summary>
    /// <param name="model">The model, aliases already resolved.</param>
    /// <param name="route">The inbound route, a name in <see cref="GatewayRoutes"/>.</param>
    /// <returns>The plan.</returns>
    public RoutePlan Plan(string model, string route = GatewayRoutes.ChatCompletions)
    {
        var settings = options.Value;
        settings.Models.TryGetValue(model, out var policy);
        settings.Routes.TryGetValue(route, out var routeSettings);

        var models = new List<ModelRoute> { new(model, Shuffle(DeploymentsOf(model))) };
        foreach (var fallback in policy?.Fallbacks ?? [])
        {
            var target = ResolveAlias(fallback);
            if (models.All(route => !string.Equals(route.Model, target, StringComparison.OrdinalIgnoreCase)))
            {
                models.Add(new ModelRoute(target, Shuffle(DeploymentsOf(target))));
            }
        }

        var upstream = settings.Upstream;
        return new RoutePlan(
            models,
            policy?.AttemptTimeout ?? routeSettings?.AttemptTimeout ?? upstream.AttemptTimeout,
            policy?.TotalTimeout ?? routeSettings?.TotalTimeout ?? upstream.TotalTimeout,
            policy?.IdleTimeout ?? routeSettings?.IdleTimeout ?? upstream.IdleTimeout);
    }

    private List<Deployment> DeploymentsOf(string model)
    {
        var settings = options.Value;
        if (!settings.Models.TryGetValue(model, out var policy) || policy.Deployments.Count == 0)
        {
            var upstream = settings.Upstream;
            if (upstream.BaseUrl is null)
            {
                return [];
            }

            var endpoint = new ProviderEndpointOptions { Kind = ProviderKind.OpenAICompatible, BaseUrl = upstream.BaseUrl, ApiKey = upstream.ApiKey };
            return [new Deployment($"{DefaultDeploymentKey}:{model}", upstream.Provider, endpoint, model, 1)];
        }

        var deployments = new List<Deployment>();
        for (var i = 0; i < policy.Deployments.Count; i++)
        {
            var configured = policy.Deployments[i];
            if (configured.Weight <= 0 || !settings.Providers.TryGetValue(configured.Provider, out var endpoint))
            {
                continue;
            }

            var providerName = string.IsNullOrWhiteSpace(endpoint.LedgerName) ? configured.Provider : endpoint.LedgerName;
            var upstreamModel = string.IsNullOrWhiteSpace(configured.Model) ? model : configured.Model;
            deployments.Add(new Deployment($"{model}:{i}", providerName, endpoint, upstreamModel, configured.Weight));
        }

        return deployments;
    }

    /// <summary>Orders deployments by repeated weighted draws, so a deployment of weight 2 comes first twice as often as one of weight 1.</summary>
    private static List<Deployment> Shuffle(List<Deployment> deployments)
    {
        var remaining = new List<Deployment>(deployments);
        var ordered = new List<Deployment>(deployments.Count);
        while (remaining.Count > 0)
        {
            var draw = Random.Shared.Next(remaining.Sum(deployment => deployment.Weight));
            var index = 0;
            while (draw >= remaining[index].Weight)
            {
                draw -= remaining[index].Weight;
                index++;
            }

            ordered.Add(remaining[index]);
            remaining.RemoveAt(index);
        }

        return ordered;
    }
}
