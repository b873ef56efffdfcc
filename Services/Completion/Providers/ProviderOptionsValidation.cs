namespace AspireAi.Completion.Providers;

/// <summary>Checks the provider, deployment, alias, fallback, route and resilience settings, naming each bad key.</summary>
internal static class ProviderOptionsValidation
{
    public static void Validate(CompletionOptions options, List<string> failures)
    {
        foreach (var (name, provider) in options.Providers)
        {
            var key = $"Completion:Providers:{name}";
            if (provider.BaseUrl is null || !provider.BaseUrl.IsAbsoluteUri)
            {
                failures.Add($"{key}:BaseUrl must be an absolute URL, such as https://api.openai.com/v1, https://NAME.openai.azure.com or https://api.anthropic.com.");
            }

            if (provider.Kind == ProviderKind.AzureOpenAI && string.IsNullOrWhiteSpace(provider.ApiVersion))
            {
                failures.Add($"{key}:ApiVersion must be set for Azure OpenAI, such as 2024-10-21.");
            }

            if (provider.Kind == ProviderKind.Anthropic && string.IsNullOrWhiteSpace(provider.AnthropicVersion))
            {
                failures.Add($"{key}:AnthropicVersion must be set for Anthropic, such as 2023-06-01.");
            }
        }

        foreach (var (alias, target) in options.Aliases)
        {
            if (string.IsNullOrWhiteSpace(target))
            {
                failures.Add($"Completion:Aliases:{alias} must name a model.");
            }
            else if (options.Aliases.ContainsKey(target))
            {
                failures.Add($"Completion:Aliases:{alias} points at '{target}', which is itself an alias; point it at a model.");
            }
        }

        foreach (var (model, policy) in options.Models)
        {
            var key = $"Completion:Models:{model}";
            for (var i = 0; i < policy.Deployments.Count; i++)
            {
                var deployment = policy.Deployments[i];
                if (!options.Providers.ContainsKey(deployment.Provider))
                {
                    failures.Add($"{key}:Deployments:{i}:Provider is '{deployment.Provider}', which is not a key of Completion:Providers.");
                }

                if (deployment.Weight < 0)
                {
                    failures.Add($"{key}:Deployments:{i}:Weight must not be negative (0 takes the deployment out of rotation).");
                }
            }

            if (policy.Deployments.Count > 0 && policy.Deployments.All(deployment => deployment.Weight == 0))
            {
                failures.Add($"{key}:Deployments has no deployment with a positive Weight.");
            }

            for (var i = 0; i < policy.Fallbacks.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(policy.Fallbacks[i]) || string.Equals(policy.Fallbacks[i], model, StringComparison.OrdinalIgnoreCase))
                {
                    failures.Add($"{key}:Fallbacks:{i} must name another model.");
                }
            }

            CheckTimeout(failures, $"{key}:AttemptTimeout", policy.AttemptTimeout);
            CheckTimeout(failures, $"{key}:TotalTimeout", policy.TotalTimeout);
            CheckTimeout(failures, $"{key}:IdleTimeout", policy.IdleTimeout);
            if (policy.AttemptTimeout is { } attempt && policy.TotalTimeout is { } total && total < attempt)
            {
                failures.Add($"{key}:TotalTimeout must be at least {key}:AttemptTimeout.");
            }
        }

        foreach (var (route, settings) in options.Routes)
        {
            var key = $"Completion:Routes:{route}";
            if (!GatewayRoutes.All.Contains(route, StringComparer.OrdinalIgnoreCase))
            {
                failures.Add($"{key} is not a gateway route; use one of {string.Join(", ", GatewayRoutes.All)}.");
            }

            CheckTimeout(failures, $"{key}:AttemptTimeout", settings.AttemptTimeout);
            CheckTimeout(failures, $"{key}:TotalTimeout", settings.TotalTimeout);
            CheckTimeout(failures, $"{key}:IdleTimeout", settings.IdleTimeout);
            if (settings.AttemptTimeout is { } attempt && settings.TotalTimeout is { } total && total < attempt)
            {
                failures.Add($"{key}:TotalTimeout must be at least {key}:AttemptTimeout.");
            }
        }

        var resilience = options.Resilience;
        if (resilience.MaxRetries is < 0 or > 10)
        {
            failures.Add("Completion:Resilience:MaxRetries must be from 0 to 10.");
        }

        if (resilience.BaseDelay < TimeSpan.Zero || resilience.MaxDelay < resilience.BaseDelay)
        {
            failures.Add("Completion:Resilience:BaseDelay must not be negative, and Completion:Resilience:MaxDelay must be at least BaseDelay.");
        }

        if (resilience.MaxRetryAfter < TimeSpan.Zero)
        {
            failures.Add("Completion:Resilience:MaxRetryAfter must not be negative.");
        }

        if (resilience.CircuitBreakerFailures < 1)
        {
            failures.Add("Completion:Resilience:CircuitBreakerFailures must be 1 or more.");
        }

        if (resilience.CircuitBreakDuration <= TimeSpan.Zero)
        {
            failures.Add("Completion:Resilience:CircuitBreakDuration must be positive.");
        }
    }

    private static void CheckTimeout(List<string> failures, string key, TimeSpan? timeout)
    {
        if (timeout is { } value && value <= TimeSpan.Zero)
        {
            failures.Add($"{key} must be positive.");
        }
    }
}
