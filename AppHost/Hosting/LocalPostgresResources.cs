namespace AspireAi.AppHost.Hosting;

/// <summary>
/// A PostgreSQL server run from the machine's own binaries in local mode, with its data in a
/// folder that survives restarts.
/// </summary>
public sealed class LocalPostgresServerResource : ExecutableResource, IResourceWithConnectionString
{
    /// <summary>The name of the server's TCP endpoint.</summary>
    public const string PrimaryEndpointName = "tcp";

    /// <summary>The superuser that initdb creates.</summary>
    public const string UserName = "postgres";

    private readonly List<LocalPostgresDatabaseResource> _databases = [];

    /// <summary>Creates the resource; <see cref="LocalPostgresBuilderExtensions"/> sets the command.</summary>
    /// <param name="name">The resource name.</param>
    /// <param name="command">The program to start: postgres, or setpriv in front of it when running as root.</param>
    /// <param name="workingDirectory">The working directory of the process.</param>
    /// <param name="installation">Where the binaries and data are.</param>
    /// <param name="password">The superuser's password.</param>
    public LocalPostgresServerResource(string name, string command, string workingDirectory, LocalPostgresInstallation installation, ParameterResource password)
        : base(name, command, workingDirectory)
    {
        ArgumentNullException.ThrowIfNull(installation);
        ArgumentNullException.ThrowIfNull(password);

        Installation = installation;
        PasswordParameter = password;
        PrimaryEndpoint = new EndpointReference(this, PrimaryEndpointName);
    }

    /// <summary>Where the binaries and data are, and which user runs the server.</summary>
    public LocalPostgresInstallation Installation { get; }

    /// <summary>The superuser's password.</summary>
    public ParameterResource PasswordParameter { get; }

    /// <summary>The server's TCP endpoint.</summary>
    public EndpointReference PrimaryEndpoint { get; }

    /// <summary>The databases the server must have; each is created once the server answers.</summary>
    public IReadOnlyList<LocalPostgresDatabaseResource> Databases => _databases;

    /// <summary>An Npgsql connection string to the server's default database.</summary>
    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={UserName};Password={PasswordParameter}");

    internal void AddDatabase(LocalPostgresDatabaseResource database) => _databases.Add(database);
}

/// <summary>A database on a <see cref="LocalPostgresServerResource"/>.</summary>
/// <param name="name">The resource name, which is also the connection string name.</param>
/// <param name="databaseName">The database's name in PostgreSQL.</param>
/// <param name="parent">The server.</param>
public sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresServerResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresServerResource>, IResourceWithConnectionString
{
    /// <summary>The database's name in PostgreSQL.</summary>
    public string DatabaseName { get; } = databaseName;

    /// <summary>The server.</summary>
    public LocalPostgresServerResource Parent { get; } = parent;

    /// <summary>The server's connection string with this database.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}

/// <summary>Where PostgreSQL's binaries and data are, and how the server is started.</summary>
/// <param name="BinDirectory">The folder with initdb and postgres.</param>
/// <param name="DataDirectory">The cluster's data folder (PGDATA).</param>
/// <param name="RunAsPostgresUser">True when the AppHost runs as root: PostgreSQL refuses root, so initdb and postgres run as the postgres user through setpriv.</param>
public sealed record LocalPostgresInstallation(string BinDirectory, string DataDirectory, bool RunAsPostgresUser);
