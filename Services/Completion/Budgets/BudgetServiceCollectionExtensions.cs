using AspireAi.Completion.Budgets;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers budget admission.</summary>
public static class BudgetServiceCollectionExtensions
{
    /// <summary>Adds <see cref="BudgetAdmission"/>. Requires <c>AddBillingClient()</c> and the completion options.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>The same collection, for chaining.</returns>
    public static IServiceCollection AddBudgetAdmission(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddTransient<BudgetAdmission>();
        return services;
    }
}
