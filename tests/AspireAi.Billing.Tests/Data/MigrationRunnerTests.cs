using AspireAi.Billing.Data;
using AspireAi.Billing.Tests.Infrastructure;
using Npgsql;

namespace AspireAi.Billing.Tests.Data;

public sealed class MigrationRunnerTests(PostgresServer server)
{
    [Fact]
    public async Task MigrateAsync_RunTwice_AppliesEachMigrationOnce()
    {
        await using var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync());
        var runner = new MigrationRunner(dataSource);
        var shipped = MigrationRunner.LoadMigrations();

        var first = await runner.MigrateAsync(TestContext.Current.CancellationToken);
        var second = await runner.MigrateAsync(TestContext.Current.CancellationToken);

        Assert.Equal(shipped.Count, first.Applied);
        Assert.Equal(0, second.Applied);
        Assert.Equal(shipped[^1].Version, second.Version);
        Assert.Equal(shipped.Count, await CountAppliedAsync(dataSource));
    }

    [Fact]
    public async Task MigrateAsync_ConcurrentRunners_ApplyEachMigrationOnce()
    {
        await using var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync());
        var shipped = MigrationRunner.LoadMigrations();

        var results = await Task.WhenAll(Enumerable.Range(0, 4)
            .Select(_ => new MigrationRunner(dataSource).MigrateAsync(TestContext.Current.CancellationToken)));

        Assert.Equal(shipped.Count, results.Sum(result => result.Applied));
        Assert.All(results, result => Assert.Equal(shipped[^1].Version, result.Version));
        Assert.Equal(shipped.Count, await CountAppliedAsync(dataSource));
    }

    [Fact]
    public async Task MigrateAsync_FreshDatabase_CreatesLedgerTables()
    {
        await using var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync());

        await new MigrationRunner(dataSource).MigrateAsync(TestContext.Current.CancellationToken);

        await using var command = dataSource.CreateCommand(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = ANY(@names)");
        command.Parameters.AddWithValue("names", new[] { "tenants", "api_keys", "prices", "usage_ledger" });
        Assert.Equal(4L, await command.ExecuteScalarAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public void LoadMigrations_ShippedFiles_AreOrderedAndUnique()
    {
        var migrations = MigrationRunner.LoadMigrations();

        Assert.NotEmpty(migrations);
        Assert.Equal(1, migrations[0].Version);
        Assert.Equal(migrations.Select(m => m.Version).Order(), migrations.Select(m => m.Version));
        Assert.Equal(migrations.Count, migrations.Select(m => m.Version).Distinct().Count());
    }

    private static async Task<long> CountAppliedAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM schema_migrations");
        return (long)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
    }
}
