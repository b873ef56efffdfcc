namespace AspireAi.Billing;

/// <summary>Billing's log messages. Event ids 3000–3999.</summary>
internal static partial class Log
{
    [LoggerMessage(3000, LogLevel.Information, "Applied {Count} database migration(s). The schema is at version {Version}.")]
    public static partial void MigrationsApplied(ILogger logger, int count, int version);

    [LoggerMessage(3001, LogLevel.Information, "The database schema is up to date at version {Version}.")]
    public static partial void MigrationsUpToDate(ILogger logger, int version);

    [LoggerMessage(3002, LogLevel.Warning, "PostgreSQL is not reachable yet (attempt {Attempt}). Retrying in {Delay}.")]
    public static partial void DatabaseUnavailable(ILogger logger, int attempt, TimeSpan delay, Exception exception);

    [LoggerMessage(3003, LogLevel.Error, "Database initialization failed. Billing cannot serve requests.")]
    public static partial void DatabaseInitializationFailed(ILogger logger, Exception exception);

    [LoggerMessage(3004, LogLevel.Information, "Billing is ready: migrations applied and prices seeded.")]
    public static partial void DatabaseReady(ILogger logger);

    [LoggerMessage(3010, LogLevel.Information, "Seeded {Inserted} new price row(s) from a catalog of {Total}.")]
    public static partial void PricesSeeded(ILogger logger, int inserted, int total);

    [LoggerMessage(3011, LogLevel.Warning,
        "The stored price of {Provider}/{Model} from {EffectiveFrom} differs from the price catalog. The stored price is kept. Add a row with a later effective date to change a price.")]
    public static partial void PriceCatalogConflict(ILogger logger, string provider, string model, DateOnly effectiveFrom);

    [LoggerMessage(3012, LogLevel.Information, "Added a price for {Provider}/{Model} effective from {EffectiveFrom}.")]
    public static partial void PriceAdded(ILogger logger, string provider, string model, DateOnly effectiveFrom);

    [LoggerMessage(3020, LogLevel.Information, "Seed tenant {TenantName} has id {TenantId}. Its seed API key is registered.")]
    public static partial void SeedTenantReady(ILogger logger, string tenantName, Guid tenantId);

    [LoggerMessage(3021, LogLevel.Warning,
        "The seed API key is already registered to tenant {OwnerTenantId}, not to seed tenant {TenantId}. It was left unchanged.")]
    public static partial void SeedKeyOwnedByOtherTenant(ILogger logger, Guid ownerTenantId, Guid tenantId);

    [LoggerMessage(3022, LogLevel.Warning, "The seed API key of tenant {TenantId} is revoked or expired. It was left unchanged.")]
    public static partial void SeedKeyInactive(ILogger logger, Guid tenantId);

    [LoggerMessage(3030, LogLevel.Information, "Created tenant {TenantId} ({TenantName}).")]
    public static partial void TenantCreated(ILogger logger, Guid tenantId, string tenantName);

    [LoggerMessage(3031, LogLevel.Information, "Created API key {KeyId} ({Prefix}…) for tenant {TenantId}.")]
    public static partial void ApiKeyCreated(ILogger logger, Guid keyId, string prefix, Guid tenantId);

    [LoggerMessage(3032, LogLevel.Information, "Revoked API key {KeyId}.")]
    public static partial void ApiKeyRevoked(ILogger logger, Guid keyId);

    [LoggerMessage(3033, LogLevel.Information, "Rotated API key {OldKeyId}: the new key {NewKeyId} ({Prefix}…) works now, the old one until {OldKeyExpiresAt}.")]
    public static partial void ApiKeyRotated(ILogger logger, Guid oldKeyId, Guid newKeyId, string prefix, DateTimeOffset oldKeyExpiresAt);

    [LoggerMessage(3040, LogLevel.Debug, "Recorded usage {RequestId}: cost {Cost}, saved {SavedCost}, priced {Priced}.")]
    public static partial void UsageRecorded(ILogger logger, string requestId, decimal cost, decimal savedCost, bool priced);

    [LoggerMessage(3041, LogLevel.Debug, "Usage {RequestId} was already recorded. The stored row is returned.")]
    public static partial void UsageDuplicate(ILogger logger, string requestId);

    [LoggerMessage(3042, LogLevel.Warning,
        "No price for model {Model} (provider {Provider}) on {Day}. Usage {RequestId} is stored as unpriced with cost 0. Add the model to the price catalog.")]
    public static partial void UnpricedModel(ILogger logger, string model, string provider, DateOnly day, string requestId);

    [LoggerMessage(3043, LogLevel.Debug, "No price for model {Model} (provider {Provider}). Usage {RequestId} is stored as unpriced.")]
    public static partial void UnpricedModelRepeated(ILogger logger, string model, string provider, string requestId);

    [LoggerMessage(3044, LogLevel.Debug, "Recorded a usage batch of {Count} record(s): {Inserted} new, {Duplicates} duplicate, {Invalid} invalid.")]
    public static partial void UsageBatchRecorded(ILogger logger, int count, int inserted, int duplicates, int invalid);

    [LoggerMessage(3050, LogLevel.Debug, "Rejected a request to {Path}: {Reason}.")]
    public static partial void AuthenticationRejected(ILogger logger, string path, string reason);

    [LoggerMessage(3060, LogLevel.Information, "Loaded the spend counter of budget {BudgetId} for the period from {PeriodStart} with {Spend} from the ledger.")]
    public static partial void BudgetCounterLoaded(ILogger logger, Guid budgetId, DateTimeOffset periodStart, decimal spend);

    [LoggerMessage(3061, LogLevel.Information,
        "Rejected request {RequestId}: budget {BudgetId} ({Scope}, {Period}) has {Spend} spent and {Reserved} reserved of {Limit}, and the request needs {EstimatedCost}.")]
    public static partial void BudgetExceeded(
        ILogger logger, string requestId, Guid budgetId, string scope, string period, decimal spend, decimal reserved, decimal limit, decimal estimatedCost);

    [LoggerMessage(3062, LogLevel.Warning, "Rejected request {RequestId}: model {Model} has no price and hard budget {BudgetId} applies.")]
    public static partial void BudgetUnpricedModel(ILogger logger, string requestId, string model, Guid budgetId);

    [LoggerMessage(3063, LogLevel.Warning,
        "Usage {RequestId} is stored, but the budget counters could not be updated in Redis. They stay behind the ledger until they expire or a budget is reset.")]
    public static partial void BudgetCounterUpdateFailed(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(3064, LogLevel.Warning,
        "Budget {BudgetId} ({Scope}, {Period}) of tenant {TenantId} reached {Threshold}% of its limit {Limit}: {Spend} spent in the period from {PeriodStart}.")]
    public static partial void BudgetThresholdReached(
        ILogger logger, Guid budgetId, string scope, string period, Guid tenantId, int threshold, decimal limit, decimal spend, DateTimeOffset periodStart);

    [LoggerMessage(3065, LogLevel.Warning, "The budget alert webhook failed for budget {BudgetId} at {Threshold}%.")]
    public static partial void BudgetWebhookFailed(ILogger logger, Guid budgetId, int threshold, Exception exception);

    [LoggerMessage(3066, LogLevel.Information, "Created budget {BudgetId} ({Scope}, {Period}, {Enforcement}, limit {Limit}) for tenant {TenantId}.")]
    public static partial void BudgetCreated(ILogger logger, Guid budgetId, string scope, string period, string enforcement, decimal limit, Guid tenantId);

    [LoggerMessage(3067, LogLevel.Information, "Reset the spend of budget {BudgetId} at {ResetAt}.")]
    public static partial void BudgetReset(ILogger logger, Guid budgetId, DateTimeOffset resetAt);

    [LoggerMessage(3068, LogLevel.Error, "Budget reservation {RequestId} failed because Redis is unavailable.")]
    public static partial void BudgetCounterUnavailable(ILogger logger, string requestId, Exception exception);
}
