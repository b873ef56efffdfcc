using AspireAi.Billing;
using AspireAi.Billing.ApiKeys;
using AspireAi.Billing.Budgets;
using AspireAi.Billing.Data;
using AspireAi.Billing.Pricing;
using AspireAi.Billing.Tenants;
using AspireAi.Billing.Usage;
using AspireAi.Billing.Usage.Reports;
using AspireAi.BillingClient;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.Hosting;

/// <summary>Registers the billing service's options, stores, startup work and HTTP settings.</summary>
internal static class BillingServiceExtensions
{
    /// <summary>The name of the PostgreSQL connection string, <c>ConnectionStrings:billing</c>.</summary>
    public const string ConnectionName = "billing";

    /// <summary>The name of the Redis connection string that holds the shared budget counters, <c>ConnectionStrings:redis</c>.</summary>
    public const string RedisConnectionName = "redis";

    public static IHostApplicationBuilder AddBillingServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;

        services.AddOptions<BillingOptions>()
            .BindConfiguration(BillingOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<BillingOptions>, ValidateBillingOptions>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<DatabaseState>();
        services.AddSingleton<MigrationRunner>();
        services.AddSingleton<PriceStore>();
        services.AddSingleton<TenantStore>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<UsageLedger>();
        services.AddSingleton<UsageReportStore>();
        services.AddSingleton<BudgetStore>();
        services.AddSingleton<SpendCounter>();
        services.AddSingleton<BudgetAlerts>();
        services.AddSingleton<BudgetService>();
        services.AddHttpClient(BudgetAlerts.HttpClientName);
        services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(BillingMetrics.MeterName));
        services.AddHostedService<DatabaseInitializer>();

        services.AddHealthChecks()
            .AddCheck<DatabaseStateHealthCheck>(DatabaseStateHealthCheck.Name);

        services.ConfigureHttpJsonOptions(options => BillingJson.Apply(options.SerializerOptions));
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestExceptionHandler>();

        return builder;
    }
}
