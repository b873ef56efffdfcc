using System.Globalization;
using System.Reflection;
using Npgsql;

namespace AspireAi.Billing.Data;

/// <summary>One versioned SQL migration embedded in the assembly.</summary>
/// <param name="Version">The number at the start of the file name. Migrations run in ascending order.</param>
/// <param name="Name">The rest of the file name, kept in <c>schema_migrations</c> for readers.</param>
/// <param name="Sql">The statements to run.</param>
internal sealed record Migration(int Version, string Name, string Sql);

/// <summary>The outcome of a migration run.</summary>
/// <param name="Applied">Number of migrations applied by this run.</param>
/// <param name="Version">The highest version now recorded in <c>schema_migrations</c>.</param>
internal sealed record MigrationResult(int Applied, int Version);

/// <summary>
/// Applies the embedded SQL migrations that <c>schema_migrations</c> does not list yet, in one transaction
/// under a PostgreSQL advisory lock, so replicas that start together apply each migration once.
/// </summary>
internal sealed class MigrationRunner(NpgsqlDataSource dataSource)
{
    private const string ResourcePrefix = "AspireAi.Billing.Migrations.";

    // An arbitrary constant that identifies billing's migration lock among other advisory locks
    // in the same database: the ASCII bytes of "AAIBILLM".
    private const long AdvisoryLockKey = 0x4141_4942_494C_4C4D;

    /// <summary>The migrations shipped in this assembly, ordered by version.</summary>
    public static IReadOnlyList<Migration> LoadMigrations()
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var migrations = new List<Migration>();

        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var fileName = Path.GetFileNameWithoutExtension(resource[ResourcePrefix.Length..]);
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            if (separator <= 0
                || !int.TryParse(fileName.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException(
                    $"Migration resource '{resource}' must be named '<version>_<name>.sql', for example 0002_add_budgets.sql.");
            }

            migrations.Add(new Migration(version, fileName[(separator + 1)..], ReadResource(assembly, resource)));
        }

        migrations.Sort((left, right) => left.Version.CompareTo(right.Version));
        for (var i = 1; i < migrations.Count; i++)
        {
            if (migrations[i].Version == migrations[i - 1].Version)
            {
                throw new InvalidOperationException($"Two migrations have version {migrations[i].Version}. Each version must be unique.");
            }
        }

        return migrations;
    }

    /// <summary>Applies the pending migrations and returns how many ran.</summary>
    public async Task<MigrationResult> MigrateAsync(CancellationToken cancellationToken)
    {
        var migrations = LoadMigrations();

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // A transaction-level lock is released by the commit or rollback, so a crashed replica never leaves it held.
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue("key", AdvisoryLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var createCommand = new NpgsqlCommand(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version     integer PRIMARY KEY,
                name        text NOT NULL,
                applied_at  timestamptz NOT NULL DEFAULT now()
            )
            """,
            connection,
            transaction))
        {
            await createCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        var appliedVersions = new HashSet<int>();
        await using (var selectCommand = new NpgsqlCommand("SELECT version FROM schema_migrations", connection, transaction))
        await using (var reader = await selectCommand.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                appliedVersions.Add(reader.GetInt32(0));
            }
        }

        var applied = 0;
        foreach (var migration in migrations.Where(m => !appliedVersions.Contains(m.Version)))
        {
            await using (var migrationCommand = new NpgsqlCommand(migration.Sql, connection, transaction))
            {
                await migrationCommand.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var recordCommand = new NpgsqlCommand(
                "INSERT INTO schema_migrations (version, name) VALUES (@version, @name)", connection, transaction))
            {
                recordCommand.Parameters.AddWithValue("version", migration.Version);
                recordCommand.Parameters.AddWithValue("name", migration.Name);
                await recordCommand.ExecuteNonQueryAsync(cancellationToken);
            }

            appliedVersions.Add(migration.Version);
            applied++;
        }

        await transaction.CommitAsync(cancellationToken);
        return new MigrationResult(applied, appliedVersions.Count == 0 ? 0 : appliedVersions.Max());
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Migration resource '{resource}' could not be opened.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
