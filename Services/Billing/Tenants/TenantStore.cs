using Npgsql;

namespace AspireAi.Billing.Tenants;

/// <summary>Reads and writes the <c>tenants</c> table.</summary>
internal sealed class TenantStore(NpgsqlDataSource dataSource)
{
    /// <summary>Inserts a tenant and returns it, or returns null when a tenant with that name exists.</summary>
    public async Task<TenantResponse?> TryCreateAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO tenants (id, name) VALUES (@id, @name)
            ON CONFLICT (name) DO NOTHING
            RETURNING id, name, created_at
            """);
        command.Parameters.AddWithValue("id", Guid.CreateVersion7());
        command.Parameters.AddWithValue("name", name);

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadTenant(reader) : null;
    }

    /// <summary>Returns the tenant named <paramref name="name"/>, creating it when missing.</summary>
    public async Task<TenantResponse> EnsureAsync(string name, CancellationToken cancellationToken)
    {
        var created = await TryCreateAsync(name, cancellationToken);
        if (created is not null)
        {
            return created;
        }

        await using var command = dataSource.CreateCommand("SELECT id, name, created_at FROM tenants WHERE name = @name");
        command.Parameters.AddWithValue("name", name);

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException($"Tenant '{name}' was neither inserted nor found.");
        }

        return ReadTenant(reader);
    }

    public async Task<IReadOnlyList<TenantResponse>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT id, name, created_at FROM tenants ORDER BY created_at, name");

        var tenants = new List<TenantResponse>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            tenants.Add(ReadTenant(reader));
        }

        return tenants;
    }

    public async Task<TenantResponse?> FindAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT id, name, created_at FROM tenants WHERE id = @id");
        command.Parameters.AddWithValue("id", tenantId);

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadTenant(reader) : null;
    }

    public async Task<bool> ExistsAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM tenants WHERE id = @id)");
        command.Parameters.AddWithValue("id", tenantId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static TenantResponse ReadTenant(NpgsqlDataReader reader) =>
        new(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2));
}
