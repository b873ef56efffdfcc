using AspireAi.Billing.ApiKeys;
using AspireAi.Billing.Pricing;
using AspireAi.Billing.Tenants;
using AspireAi.BillingClient;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AspireAi.Billing.Data;

/// <summary>
/// Prepares the database at startup: applies migrations, seeds the price catalog and the development
/// tenant, then marks billing ready. It retries with exponential backoff while PostgreSQL is unreachable.
/// </summary>
internal sealed class DatabaseInitializer(
    MigrationRunner migrations,
    PriceStore prices,
    TenantStore tenants,
    ApiKeyStore keys,
    DatabaseState state,
    TimeProvider time,
    IOptions<BillingOptions> options,
    ILogger<DatabaseInitializer> logger) : BackgroundService
{
    private readonly BillingOptions _options = options.Value;
    private IReadOnlyList<ModelPrice> _catalog = [];

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Loading the catalog here, before the host starts listening, makes an invalid file fail startup
        // with a message that names the bad entry.
        var path = Path.IsPathRooted(_options.PriceCatalogPath)
            ? _options.PriceCatalogPath
            : Path.Combine(AppContext.BaseDirectory, _options.PriceCatalogPath);
        _catalog = PriceCatalog.Load(path);

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = _options.StartupRetryInitialDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await InitializeAsync(stoppingToken);
                state.SetReady();
                Log.DatabaseReady(logger);
                return;
            }
            catch (NpgsqlException exception) when (exception.IsTransient && !stoppingToken.IsCancellationRequested)
            {
                state.SetProgress($"waiting for PostgreSQL, attempt {attempt} failed: {exception.Message}");
                Log.DatabaseUnavailable(logger, attempt, delay, exception);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                state.SetProgress($"initialization failed: {exception.Message}");
                Log.DatabaseInitializationFailed(logger, exception);
                throw;
            }

            await Task.Delay(delay, time, stoppingToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.StartupRetryMaxDelay.Ticks));
        }
    }

    private async Task InitializeAsync(CancellationToken cancellationToken)
    {
        state.SetProgress("applying migrations");
        var result = await migrations.MigrateAsync(cancellationToken);
        if (result.Applied > 0)
        {
            Log.MigrationsApplied(logger, result.Applied, result.Version);
        }
        else
        {
            Log.MigrationsUpToDate(logger, result.Version);
        }

        state.SetProgress("seeding prices");
        await prices.SeedAsync(_catalog, cancellationToken);

        if (_options.Seed.IsEnabled)
        {
            state.SetProgress("seeding the development tenant");
            await SeedTenantAsync(_options.Seed, cancellationToken);
        }
    }

    private async Task SeedTenantAsync(BillingSeedOptions seed, CancellationToken cancellationToken)
    {
        var tenant = await tenants.EnsureAsync(seed.TenantName!.Trim(), cancellationToken);
        var (outcome, ownerTenantId) = await keys.EnsureSeedKeyAsync(tenant.Id, seed.ApiKey!.Trim(), time.GetUtcNow(), cancellationToken);

        switch (outcome)
        {
            case SeedKeyOutcome.RegisteredToOtherTenant:
                Log.SeedKeyOwnedByOtherTenant(logger, ownerTenantId, tenant.Id);
                break;
            case SeedKeyOutcome.Inactive:
                Log.SeedKeyInactive(logger, tenant.Id);
                break;
            default:
                Log.SeedTenantReady(logger, tenant.Name, tenant.Id);
                break;
        }

    }
}
