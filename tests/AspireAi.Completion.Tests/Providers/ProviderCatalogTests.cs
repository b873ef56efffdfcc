using AspireAi.Completion.Providers;
using Microsoft.Extensions.Options;

namespace AspireAi.Completion.Tests.Providers;

public sealed class ProviderCatalogTests
{
    [Fact]
    public void ResolveAlias_KnownAlias_ReturnsTarget()
    {
        var catalog = new ProviderCatalog(Options.Create(CreateOptions()));

        Assert.Equal("gpt-4o-mini", catalog.ResolveAlias("fast"));
        Assert.Equal("gpt-4o", catalog.ResolveAlias("gpt-4o"));
    }

    [Fact]
    public void Plan_ModelWithoutDeployments_UsesUpstreamWithRequestedModel()
    {
        var catalog = new ProviderCatalog(Options.Create(CreateOptions()));

        var plan = catalog.Plan("gpt-4.1");

        var deployment = Assert.Single(Assert.Single(plan.Models).Deployments);
        Assert.Equal("emulator", deployment.ProviderName);
        Assert.Equal("gpt-4.1", deployment.UpstreamModel);
        Assert.Equal("upstream:gpt-4.1", deployment.Key);
        Assert.Equal(TimeSpan.FromSeconds(30), plan.AttemptTimeout);
    }

    [Fact]
    public void Plan_DeploymentsAndFallbacks_ListsModelThenFallbacksWithoutWeightZero()
    {
        var catalog = new ProviderCatalog(Options.Create(CreateOptions()));

        var plan = catalog.Plan("gpt-4o");

        Assert.Equal(["gpt-4o", "gpt-4o-mini"], plan.Models.Select(route => route.Model));
        Assert.Equal(2, plan.Models[0].Deployments.Count);
        Assert.DoesNotContain(plan.Models[0].Deployments, deployment => deployment.UpstreamModel == "disabled");
        Assert.Contains(plan.Models[0].Deployments, deployment => deployment.ProviderName == "azure-east" && deployment.UpstreamModel == "gpt4o-east");
        Assert.Contains(plan.Models[0].Deployments, deployment => deployment.ProviderName == "openai");
        Assert.Equal(TimeSpan.FromSeconds(5), plan.IdleTimeout);
        Assert.Equal(TimeSpan.FromMinutes(10), plan.TotalTimeout);
    }

    [Fact]
    public void Plan_Weights_SpreadFirstChoiceInProportion()
    {
        var catalog = new ProviderCatalog(Options.Create(CreateOptions()));

        var firsts = Enumerable.Range(0, 4000)
            .Select(_ => catalog.Plan("gpt-4o").Models[0].Deployments[0].ProviderName)
            .GroupBy(name => name)
            .ToDictionary(group => group.Key, group => group.Count());

        // Weights 3 and 1 give 3000 and 1000 expected first choices; the band is about 6 standard deviations wide.
        Assert.InRange(firsts["azure-east"], 2800, 3200);
        Assert.InRange(firsts["openai"], 800, 1200);
    }

    [Fact]
    public void PriceProvider_ModelWithDeployments_IsFirstDeploymentsProvider()
    {
        var catalog = new ProviderCatalog(Options.Create(CreateOptions()));

        Assert.Equal("azure-east", catalog.PriceProvider("gpt-4o"));
        Assert.Equal("emulator", catalog.PriceProvider("gpt-4.1"));
    }

    [Fact]
    public void Validate_BadProviderSettings_NamesEachKey()
    {
        var options = CreateOptions();
        options.Providers["broken"] = new ProviderEndpointOptions { Kind = ProviderKind.AzureOpenAI, BaseUrl = null, ApiVersion = " " };
        options.Aliases["loop"] = "fast";
        options.Models["gpt-4o"].Deployments.Add(new ModelDeploymentOptions { Provider = "missing", Weight = -1 });
        options.Models["gpt-4o"].Fallbacks.Add("gpt-4o");
        options.Models["gpt-4o"].IdleTimeout = TimeSpan.Zero;
        options.Resilience.MaxRetries = -1;

        var result = new ValidateCompletionOptions().Validate(null, options);

        var failures = result.Failures!.ToList();
        Assert.Contains(failures, failure => failure.StartsWith("Completion:Providers:broken:BaseUrl ", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("Completion:Providers:broken:ApiVersion ", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("Completion:Aliases:loop ", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("Completion:Models:gpt-4o:Deployments:3:Provider ", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("Completion:Models:gpt-4o:Deployments:3:Weight ", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("Completion:Models:gpt-4o:Fallbacks:1 ", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("Completion:Models:gpt-4o:IdleTimeout ", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("Completion:Resilience:MaxRetries ", StringComparison.Ordinal));
        Assert.Equal(8, failures.Count);
    }

    [Fact]
    public void Plan_RouteTimeouts_ModelOverRouteOverUpstream()
    {
        var options = CreateOptions();
        options.Routes[GatewayRoutes.Messages] = new RouteOptions
        {
            AttemptTimeout = TimeSpan.FromSeconds(7),
            TotalTimeout = TimeSpan.FromSeconds(20),
            IdleTimeout = TimeSpan.FromSeconds(3),
        };
        var catalog = new ProviderCatalog(Options.Create(options));

        var routeOnly = catalog.Plan("gpt-4.1", GatewayRoutes.Messages);
        var modelAndRoute = catalog.Plan("gpt-4o", GatewayRoutes.Messages);
        var otherRoute = catalog.Plan("gpt-4.1", GatewayRoutes.ChatCompletions);

        Assert.Equal(TimeSpan.FromSeconds(7), routeOnly.AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(20), routeOnly.TotalTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), routeOnly.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(7), modelAndRoute.AttemptTimeout);
        Assert.Equal(TimeSpan.FromMinutes(10), modelAndRoute.TotalTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), modelAndRoute.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), otherRoute.AttemptTimeout);
        Assert.Equal(options.Upstream.TotalTimeout, otherRoute.TotalTimeout);
        Assert.Equal(options.Upstream.IdleTimeout, otherRoute.IdleTimeout);
    }

    [Fact]
    public void Validate_BadRouteSettings_NamesEachKey()
    {
        var options = CreateOptions();
        options.Routes["chat"] = new RouteOptions { IdleTimeout = TimeSpan.FromSeconds(1) };
        options.Routes[GatewayRoutes.Batch] = new RouteOptions { AttemptTimeout = TimeSpan.FromSeconds(10), TotalTimeout = TimeSpan.FromSeconds(5) };
        options.Routes[GatewayRoutes.Jobs] = new RouteOptions { IdleTimeout = TimeSpan.FromSeconds(-1) };

        var result = new ValidateCompletionOptions().Validate(null, options);

        var failures = result.Failures!.ToList();
        Assert.Contains(failures, failure => failure.StartsWith("Completion:Routes:chat is not a gateway route; use one of chat-completions, messages, batch, jobs, embeddings.", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("Completion:Routes:batch:TotalTimeout must be at least Completion:Routes:batch:AttemptTimeout", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("Completion:Routes:jobs:IdleTimeout must be positive", StringComparison.Ordinal));
        Assert.Equal(3, failures.Count);
    }

    [Fact]
    public void Validate_ModelTotalBelowAttempt_NamesBothKeys()
    {
        var options = CreateOptions();
        options.Models["gpt-4o"].AttemptTimeout = TimeSpan.FromSeconds(10);
        options.Models["gpt-4o"].TotalTimeout = TimeSpan.FromSeconds(5);
        options.Models["gpt-4o-mini"] = new ModelPolicyOptions { AttemptTimeout = TimeSpan.FromSeconds(5), TotalTimeout = TimeSpan.FromSeconds(5) };

        var result = new ValidateCompletionOptions().Validate(null, options);

        var failure = Assert.Single(result.Failures ?? []);
        Assert.Equal("Completion:Models:gpt-4o:TotalTimeout must be at least Completion:Models:gpt-4o:AttemptTimeout.", failure);
    }

    [Fact]
    public void Validate_ValidProviderSettings_Succeeds()
    {
        var result = new ValidateCompletionOptions().Validate(null, CreateOptions());

        Assert.True(result.Succeeded, string.Join(Environment.NewLine, result.Failures ?? []));
    }

    private static CompletionOptions CreateOptions()
    {
        var options = new CompletionOptions
        {
            Upstream = new UpstreamOptions { Provider = "emulator", BaseUrl = new Uri("http://localhost:5001/v1"), AttemptTimeout = TimeSpan.FromSeconds(30) },
        };
        options.Providers["azure-east"] = new ProviderEndpointOptions { Kind = ProviderKind.AzureOpenAI, BaseUrl = new Uri("https://east.openai.azure.com"), ApiKey = "azure-key" };
        options.Providers["openai"] = new ProviderEndpointOptions { Kind = ProviderKind.OpenAI, BaseUrl = new Uri("https://api.openai.com/v1"), ApiKey = "sk-test" };
        options.Aliases["fast"] = "gpt-4o-mini";
        options.Models["gpt-4o"] = new ModelPolicyOptions
        {
            Deployments =
            [
                new ModelDeploymentOptions { Provider = "azure-east", Model = "gpt4o-east", Weight = 3 },
                new ModelDeploymentOptions { Provider = "openai", Weight = 1 },
                new ModelDeploymentOptions { Provider = "openai", Model = "disabled", Weight = 0 },
            ],
            Fallbacks = ["fast"],
            IdleTimeout = TimeSpan.FromSeconds(5),
            TotalTimeout = TimeSpan.FromMinutes(10),
        };
        return options;
    }
}
