using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using AspireAi.AppHost.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Aspire.Hosting;

/// <summary>Adds a PostgreSQL server run from the machine's own binaries.</summary>
public static class LocalPostgresBuilderExtensions
{
    private const string PasswordFileName = "postgres.password";
    private const string InstallHint =
        "Install the PostgreSQL server binaries (Debian or Ubuntu: 'apt-get install postgresql'; macOS: 'brew install postgresql@16'), "
        + "or set AspireAi:Local:PostgresBinDirectory to the folder that contains initdb and postgres, "
        + "or run with containers (AspireAi:UseContainers=true).";

    /// <summary>
    /// Adds a PostgreSQL server that runs the machine's postgres binary on a port Aspire allocates,
    /// with its cluster in <paramref name="dataRoot"/>/postgres (created by initdb on first start and
    /// kept across restarts) and a password kept beside it.
    /// </summary>
    /// <param name="builder">The distributed application builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="dataRoot">The folder for the cluster and its password file.</param>
    /// <param name="binDirectory">The folder with initdb and postgres; searched for when <see langword="null"/>.</param>
    /// <returns>The resource builder.</returns>
    /// <exception cref="PrerequisiteMissingException">The binaries, setpriv or the postgres user are missing.</exception>
    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, string dataRoot, string? binDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(dataRoot);

        var bin = binDirectory ?? FindBinDirectory()
            ?? throw new PrerequisiteMissingException($"PostgreSQL was not found: no initdb under /usr/lib/postgresql/*/bin or on PATH. {InstallHint}");
        if (!File.Exists(Path.Combine(bin, "initdb")) || !File.Exists(Path.Combine(bin, "postgres")))
        {
            throw new PrerequisiteMissingException($"PostgreSQL's initdb and postgres were not found in '{bin}'. {InstallHint}");
        }

        var runAsPostgresUser = Environment.UserName == "root";
        if (runAsPostgresUser)
        {
            RequireRootPrerequisites();
        }

        Directory.CreateDirectory(dataRoot);
        var installation = new LocalPostgresInstallation(bin, Path.Combine(dataRoot, "postgres"), runAsPostgresUser);
        var password = builder.AddParameter($"{name}-password", ReadOrCreatePassword(dataRoot), secret: true);

        string command;
        List<string> arguments = [];
        if (runAsPostgresUser)
        {
            command = "setpriv";
            arguments.AddRange(["--reuid=postgres", "--regid=postgres", "--init-groups", Path.Combine(bin, "postgres")]);
        }
        else
        {
            command = Path.Combine(bin, "postgres");
        }

        // The port comes from PGPORT, which Aspire sets from the allocated endpoint. Unix sockets are
        // off so nothing is written outside the data folder.
        arguments.AddRange(["-D", installation.DataDirectory, "-c", "listen_addresses=localhost", "-c", "unix_socket_directories="]);

        var resource = new LocalPostgresServerResource(name, command, dataRoot, installation, password.Resource);

        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(resource, async (@event, cancellationToken) =>
        {
            var logger = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(resource);
            var passwordValue = await resource.PasswordParameter.GetValueAsync(cancellationToken) ?? string.Empty;
            await InitializeClusterAsync(installation, passwordValue, logger, cancellationToken);
        });

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey,
            _ => new LocalPostgresHealthCheck(resource),
            failureStatus: null,
            tags: null));

        builder.Eventing.Subscribe<ResourceReadyEvent>(resource, async (@event, cancellationToken) =>
        {
            var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
            foreach (var database in resource.Databases)
            {
                await notifications.PublishUpdateAsync(database, state => state with { State = KnownResourceStates.Running });
            }
        });

        return builder.AddResource(resource)
            .WithArgs([.. arguments])
            .WithEndpoint(name: LocalPostgresServerResource.PrimaryEndpointName, scheme: "tcp", env: "PGPORT")
            .WithHealthCheck(healthCheckKey);
    }

    /// <summary>Adds a database that is created on the server once the server answers.</summary>
    /// <param name="builder">The server's resource builder.</param>
    /// <param name="name">The resource name, which is also the connection string name.</param>
    /// <param name="databaseName">The database's name in PostgreSQL; <paramref name="name"/> when <see langword="null"/>.</param>
    /// <returns>The database's resource builder.</returns>
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<LocalPostgresServerResource> builder, [ResourceName] string name, string? databaseName = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);

        var database = new LocalPostgresDatabaseResource(name, databaseName ?? name, builder.Resource);
        builder.Resource.AddDatabase(database);
        return builder.ApplicationBuilder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabase",
                State = KnownResourceStates.Waiting,
                Properties = [],
            });
    }

    private static string? FindBinDirectory()
    {
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(path => (Path: Path.Combine(path, "bin"), Version: int.TryParse(Path.GetFileName(path), NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : -1))
                .Where(candidate => File.Exists(Path.Combine(candidate.Path, "initdb")))
                .OrderByDescending(candidate => candidate.Version)
                .FirstOrDefault();
            if (newest.Path is not null)
            {
                return newest.Path;
            }
        }

        var pathVariable = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return pathVariable.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(directory => File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "postgres")));
    }

    private static void RequireRootPrerequisites()
    {
        var passwd = File.Exists("/etc/passwd") ? File.ReadAllLines("/etc/passwd") : [];
        if (!passwd.Any(line => line.StartsWith("postgres:", StringComparison.Ordinal)))
        {
            throw new PrerequisiteMissingException(
                "The AppHost runs as root and PostgreSQL refuses to run as root, but there is no 'postgres' user to run it as. "
                + "Create one with 'useradd --system --home-dir /var/lib/postgresql postgres' (the Debian postgresql package creates it), or run the AppHost as a normal user.");
        }

        if (!File.Exists("/usr/bin/setpriv") && !File.Exists("/bin/setpriv"))
        {
            throw new PrerequisiteMissingException(
                "The AppHost runs as root and needs setpriv to start PostgreSQL as the postgres user. Install it with 'apt-get install util-linux', or run the AppHost as a normal user.");
        }
    }

    private static string ReadOrCreatePassword(string dataRoot)
    {
        var path = Path.Combine(dataRoot, PasswordFileName);
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        // Hex keeps the password free of characters that need quoting in a connection string.
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        File.WriteAllText(path, password);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return password;
    }

    private static async Task InitializeClusterAsync(LocalPostgresInstallation installation, string password, ILogger logger, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(installation.DataDirectory, "PG_VERSION")))
        {
            return;
        }

        logger.LogInformation("Creating a PostgreSQL cluster in {DataDirectory}.", installation.DataDirectory);
        Directory.CreateDirectory(installation.DataDirectory);
        var passwordFile = Path.Combine(Path.GetDirectoryName(installation.DataDirectory)!, $"initdb-{Guid.NewGuid():N}.tmp");
        await File.WriteAllTextAsync(passwordFile, password, cancellationToken);
        try
        {
            if (installation.RunAsPostgresUser)
            {
                await RunAsync("chown", ["-R", "postgres:postgres", installation.DataDirectory, passwordFile], logger, cancellationToken);
            }

            List<string> initdb =
            [
                Path.Combine(installation.BinDirectory, "initdb"),
                "-D", installation.DataDirectory,
                "-U", LocalPostgresServerResource.UserName,
                "--pwfile", passwordFile,
                "--auth", "scram-sha-256",
                "--encoding", "UTF8",
                "--locale", "C",
            ];
            if (installation.RunAsPostgresUser)
            {
                await RunAsync("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", .. initdb], logger, cancellationToken);
            }
            else
            {
                await RunAsync(initdb[0], initdb[1..], logger, cancellationToken);
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private static async Task RunAsync(string command, IReadOnlyList<string> arguments, ILogger logger, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start '{command}'.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var errorText = await error;
        logger.LogInformation("{Command} exited with {ExitCode}: {Output}", Path.GetFileName(command), process.ExitCode, await output);
        if (process.ExitCode != 0)
        {
            throw new DistributedApplicationException($"'{Path.GetFileName(command)}' failed with exit code {process.ExitCode}: {errorText}");
        }
    }

    /// <summary>Healthy once the server accepts a login; creates the server's databases on the way.</summary>
    private sealed class LocalPostgresHealthCheck(LocalPostgresServerResource resource) : IHealthCheck
    {
        private volatile bool _databasesCreated;

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken);
                await using var dataSource = NpgsqlDataSource.Create(connectionString + ";Database=postgres;Pooling=false;Timeout=5");
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                if (!_databasesCreated)
                {
                    foreach (var database in resource.Databases)
                    {
                        await CreateDatabaseIfMissingAsync(connection, database.DatabaseName, cancellationToken);
                    }

                    _databasesCreated = true;
                }

                return HealthCheckResult.Healthy();
            }
            catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy("PostgreSQL does not accept connections yet.", exception);
            }
        }

        private static async Task CreateDatabaseIfMissingAsync(NpgsqlConnection connection, string databaseName, CancellationToken cancellationToken)
        {
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
            exists.Parameters.Add(new NpgsqlParameter { Value = databaseName });
            if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
            {
                return;
            }

            var quoted = "\"" + databaseName.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
            try
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // Another check created it between the lookup and the CREATE.
            }
        }
    }
}
