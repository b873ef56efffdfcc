using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AspireAi.Billing.Data;

/// <summary>Progress of the startup migrations and seeding, read by the health check and the request filters.</summary>
internal sealed class DatabaseState
{
    private volatile bool _isReady;
    private volatile string _description = "migrations have not started";

    /// <summary>True once migrations and seeding have finished.</summary>
    public bool IsReady => _isReady;

    /// <summary>A short description of the current step, shown in health reports.</summary>
    public string Description => _description;

    public void SetProgress(string description) => _description = description;

    public void SetReady()
    {
        _description = "migrations applied and prices seeded";
        _isReady = true;
    }
}

/// <summary>Reports unhealthy until the startup migrations and seeding have finished.</summary>
internal sealed class DatabaseStateHealthCheck(DatabaseState state) : IHealthCheck
{
    /// <summary>The name under which the check is registered.</summary>
    public const string Name = "billing-migrations";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = state.IsReady
            ? HealthCheckResult.Healthy(state.Description)
            : HealthCheckResult.Unhealthy(state.Description);
        return Task.FromResult(result);
    }
}
