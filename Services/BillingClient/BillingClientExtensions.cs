using AspireAi.BillingClient;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the billing client and the API-key authenticator.</summary>
public static class BillingClientExtensions
{
    /// <summary>
    /// Adds <see cref="BillingApiClient"/>, <see cref="ApiKeyAuthenticator"/> with the background service that fetches
    /// revoked keys, the <see cref="UsageOutbox"/> with the background service that resends its records, and their
    /// options, bound from the <c>BillingClient</c> section and validated at start.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The same collection, for chaining.</returns>
    public static IServiceCollection AddBillingClient(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<BillingClientOptions>()
            .BindConfiguration(BillingClientOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<BillingClientOptions>, ValidateBillingClientOptions>();

        services.AddMemoryCache();
        services.AddHttpClient<BillingApiClient>((provider, http) =>
        {
            var options = provider.GetRequiredService<IOptions<BillingClientOptions>>().Value;
            http.BaseAddress = options.BaseAddress;
            http.DefaultRequestHeaders.Add(BillingRoutes.InternalKeyHeader, options.InternalKey);
        });
        services.AddTransient<ApiKeyAuthenticator>();
        services.AddSingleton<RevokedKeySet>();
        services.AddHostedService<KeyRevocationWatcher>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<UsageOutbox>();
        services.AddHostedService<UsageOutboxWorker>();

        return services;
    }
}
