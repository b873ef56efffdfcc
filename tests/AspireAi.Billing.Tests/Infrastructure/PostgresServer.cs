using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

[assembly: AssemblyFixture(typeof(AspireAi.Billing.Tests.Infrastructure.PostgresServer))]

namespace AspireAi.Billing.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster for the whole test run: initdb into a temporary folder, postgres on a free
/// loopback port with its socket in that folder, stopped and deleted on dispose. Each test class creates its
/// own database. Set ASPIREAI_PG_BIN to the folder of initdb and pg_ctl when they are not in
/// /usr/lib/postgresql/&lt;version&gt;/bin or on PATH.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private const string SuperUser = "postgres";

    private string _root = "";
    private string _dataDirectory = "";
    private string _binDirectory = "";
    private bool _runAsPostgresUser;

    public int Port { get; private set; }

    public async ValueTask InitializeAsync()
    {
        _binDirectory = FindBinDirectory();
        _runAsPostgresUser = string.Equals(Environment.UserName, "root", StringComparison.Ordinal);

        _root = Directory.CreateTempSubdirectory("aspireai-billing-pg-").FullName;
        _dataDirectory = Path.Combine(_root, "data");
        var socketDirectory = Path.Combine(_root, "sockets");
        Directory.CreateDirectory(socketDirectory);

        if (_runAsPostgresUser)
        {
            // initdb and postgres refuse to run as root, so the cluster belongs to the postgres user.
            await RunAsync("chown", ["-R", "postgres:postgres", _root], asPostgresUser: false);
        }

        await RunAsync(
            Path.Combine(_binDirectory, "initdb"),
            ["-D", _dataDirectory, "-U", SuperUser, "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"],
            _runAsPostgresUser);

        Port = FindFreePort();
        var serverOptions = $"-p {Port} -k {socketDirectory} -c listen_addresses=127.0.0.1 -c max_connections=300 "
            + "-c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        await RunAsync(
            Path.Combine(_binDirectory, "pg_ctl"),
            ["-D", _dataDirectory, "-l", Path.Combine(_root, "postgres.log"), "-w", "-t", "60", "-o", serverOptions, "start"],
            _runAsPostgresUser);
    }

    /// <summary>Creates an empty database and returns a connection string for it.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "billing_" + Guid.NewGuid().ToString("N");

        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_dataDirectory.Length > 0 && Directory.Exists(_dataDirectory))
        {
            NpgsqlConnection.ClearAllPools();
            await RunAsync(Path.Combine(_binDirectory, "pg_ctl"), ["-D", _dataDirectory, "-m", "fast", "-w", "stop"], _runAsPostgresUser);
        }

        if (_root.Length > 0 && Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = SuperUser,
            Database = database,
        }.ConnectionString;

    private static string FindBinDirectory()
    {
        var configured = Environment.GetEnvironmentVariable("ASPIREAI_PG_BIN");
        if (!string.IsNullOrEmpty(configured))
        {
            return configured;
        }

        const string DebianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(DebianRoot))
        {
            var newest = Directory.GetDirectories(DebianRoot)
                .Select(directory => Path.Combine(directory, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb")))
                .OrderByDescending(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var version) ? version : 0)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator)
            .FirstOrDefault(directory => File.Exists(Path.Combine(directory, "initdb")));
        return onPath ?? throw new InvalidOperationException(
            "PostgreSQL's initdb was not found in /usr/lib/postgresql/<version>/bin or on PATH. Install PostgreSQL "
            + "(apt-get install postgresql) or set ASPIREAI_PG_BIN to the folder that contains initdb and pg_ctl.");
    }

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string fileName, IReadOnlyList<string> arguments, bool asPostgresUser)
    {
        var startInfo = new ProcessStartInfo
        {
            FileName = asPostgresUser ? "setpriv" : fileName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        if (asPostgresUser)
        {
            foreach (var argument in new[] { "--reuid=postgres", "--regid=postgres", "--init-groups", fileName })
            {
                startInfo.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', arguments)} exited with code {process.ExitCode}: {await output}{await error}");
        }
    }
}
