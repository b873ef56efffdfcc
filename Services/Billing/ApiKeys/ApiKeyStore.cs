using AspireAi.BillingClient;
using Npgsql;

namespace AspireAi.Billing.ApiKeys;

/// <summary>The outcome of registering a known plaintext key for a tenant.</summary>
internal enum SeedKeyOutcome
{
    Registered,
    AlreadyRegistered,
    RegisteredToOtherTenant,
    Inactive,
}

/// <summary>The outcome of a key rotation.</summary>
internal enum RotationOutcome
{
    Rotated,
    NotFound,
    Revoked,
    Expired,
    WouldExtend,
}

/// <summary>Reads and writes the <c>api_keys</c> table. Keys are stored as SHA-256 hashes only.</summary>
internal sealed class ApiKeyStore(NpgsqlDataSource dataSource)
{
    private const string KeyColumns = "id, tenant_id, name, prefix, created_at, expires_at, revoked_at, replaces_key_id";

    /// <summary>Generates a key for the tenant and returns it with its plaintext, or null when the tenant does not exist.</summary>
    public async Task<CreatedApiKey?> CreateAsync(Guid tenantId, string name, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        var key = ApiKeyFormat.Generate();

        await using var command = dataSource.CreateCommand(
            $"""
            INSERT INTO api_keys (id, tenant_id, name, key_hash, prefix, expires_at)
            SELECT @id, id, @name, @key_hash, @prefix, @expires_at FROM tenants WHERE id = @tenant_id
            RETURNING {KeyColumns}
            """);
        command.Parameters.AddWithValue("id", Guid.CreateVersion7());
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("key_hash", ApiKeyFormat.Hash(key));
        command.Parameters.AddWithValue("prefix", ApiKeyFormat.DisplayPrefix(key));
        command.Parameters.AddWithValue("expires_at", NpgsqlTypes.NpgsqlDbType.TimestampTz, (object?)expiresAt?.ToUniversalTime() ?? DBNull.Value);

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var stored = ReadKey(reader);
        return new CreatedApiKey(stored.Id, stored.TenantId, stored.Name, key, stored.Prefix, stored.CreatedAt, stored.ExpiresAt);
    }

    /// <summary>
    /// Creates a key that replaces <paramref name="oldKeyId"/> and moves the old key's expiry to
    /// <paramref name="oldKeyExpiresAt"/>, in one transaction. The old key is locked while it is checked, so a
    /// concurrent revocation or rotation either happens before and fails this one, or waits for it.
    /// </summary>
    public async Task<(RotationOutcome Outcome, RotatedApiKey? Rotated, ApiKeyResponse? OldKey)> RotateAsync(
        Guid oldKeyId, DateTimeOffset oldKeyExpiresAt, string? name, DateTimeOffset? expiresAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        ApiKeyResponse? old;
        await using (var select = new NpgsqlCommand($"SELECT {KeyColumns} FROM api_keys WHERE id = @id FOR UPDATE", connection, transaction))
        {
            select.Parameters.AddWithValue("id", oldKeyId);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            old = await reader.ReadAsync(cancellationToken) ? ReadKey(reader) : null;
        }

        var outcome = old switch
        {
            null => RotationOutcome.NotFound,
            { RevokedAt: not null } => RotationOutcome.Revoked,
            { ExpiresAt: { } expiry } when expiry <= now => RotationOutcome.Expired,
            { ExpiresAt: { } expiry } when expiry < oldKeyExpiresAt => RotationOutcome.WouldExtend,
            _ => RotationOutcome.Rotated,
        };
        if (outcome != RotationOutcome.Rotated)
        {
            return (outcome, null, old);
        }

        await using (var update = new NpgsqlCommand("UPDATE api_keys SET expires_at = @expires_at WHERE id = @id", connection, transaction))
        {
            update.Parameters.AddWithValue("id", oldKeyId);
            update.Parameters.AddWithValue("expires_at", oldKeyExpiresAt.ToUniversalTime());
            await update.ExecuteNonQueryAsync(cancellationToken);
        }

        var key = ApiKeyFormat.Generate();
        ApiKeyResponse stored;
        await using (var insert = new NpgsqlCommand(
            $"""
            INSERT INTO api_keys (id, tenant_id, name, key_hash, prefix, expires_at, replaces_key_id)
            VALUES (@id, @tenant_id, @name, @key_hash, @prefix, @expires_at, @replaces_key_id)
            RETURNING {KeyColumns}
            """,
            connection,
            transaction))
        {
            insert.Parameters.AddWithValue("id", Guid.CreateVersion7());
            insert.Parameters.AddWithValue("tenant_id", old!.TenantId);
            insert.Parameters.AddWithValue("name", name ?? old.Name);
            insert.Parameters.AddWithValue("key_hash", ApiKeyFormat.Hash(key));
            insert.Parameters.AddWithValue("prefix", ApiKeyFormat.DisplayPrefix(key));
            insert.Parameters.AddWithValue("expires_at", NpgsqlTypes.NpgsqlDbType.TimestampTz, (object?)expiresAt?.ToUniversalTime() ?? DBNull.Value);
            insert.Parameters.AddWithValue("replaces_key_id", oldKeyId);
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            stored = ReadKey(reader);
        }

        await transaction.CommitAsync(cancellationToken);
        var created = new CreatedApiKey(stored.Id, stored.TenantId, stored.Name, key, stored.Prefix, stored.CreatedAt, stored.ExpiresAt);
        return (outcome, new RotatedApiKey(created, old with { ExpiresAt = oldKeyExpiresAt.ToUniversalTime() }), old);
    }

    /// <summary>Returns the ids of the keys that a rotation at or after <paramref name="since"/> gave a new expiry.</summary>
    public async Task<IReadOnlyList<Guid>> ListRotatedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT DISTINCT replaces_key_id FROM api_keys WHERE replaces_key_id IS NOT NULL AND created_at >= @since");
        command.Parameters.AddWithValue("since", since.ToUniversalTime());

        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    /// <summary>Returns the ids of the keys revoked at or after <paramref name="since"/>.</summary>
    public async Task<IReadOnlyList<Guid>> ListRevokedSinceAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT id FROM api_keys WHERE revoked_at >= @since ORDER BY revoked_at");
        command.Parameters.AddWithValue("since", since.ToUniversalTime());

        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    /// <summary>Registers a plaintext key chosen by configuration for the tenant, unless its hash is already stored.</summary>
    public async Task<(SeedKeyOutcome Outcome, Guid OwnerTenantId)> EnsureSeedKeyAsync(
        Guid tenantId, string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            WITH inserted AS (
                INSERT INTO api_keys (id, tenant_id, name, key_hash, prefix)
                VALUES (@id, @tenant_id, 'seed', @key_hash, @prefix)
                ON CONFLICT (key_hash) DO NOTHING
                RETURNING tenant_id
            )
            SELECT true, tenant_id, true FROM inserted
            UNION ALL
            SELECT false, tenant_id, revoked_at IS NULL AND (expires_at IS NULL OR expires_at > @now)
            FROM api_keys WHERE key_hash = @key_hash AND NOT EXISTS (SELECT 1 FROM inserted)
            """);
        command.Parameters.AddWithValue("id", Guid.CreateVersion7());
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("key_hash", ApiKeyFormat.Hash(key));
        command.Parameters.AddWithValue("prefix", ApiKeyFormat.DisplayPrefix(key));
        command.Parameters.AddWithValue("now", now.ToUniversalTime());

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            throw new InvalidOperationException("The seed API key was neither inserted nor found.");
        }

        var inserted = reader.GetBoolean(0);
        var ownerTenantId = reader.GetGuid(1);
        var active = reader.GetBoolean(2);

        var outcome = inserted ? SeedKeyOutcome.Registered
            : ownerTenantId != tenantId ? SeedKeyOutcome.RegisteredToOtherTenant
            : !active ? SeedKeyOutcome.Inactive
            : SeedKeyOutcome.AlreadyRegistered;
        return (outcome, ownerTenantId);
    }

    /// <summary>Lists the tenant's keys, newest first, or returns null when the tenant does not exist.</summary>
    public async Task<IReadOnlyList<ApiKeyResponse>?> ListAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);

        await using (var existsCommand = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM tenants WHERE id = @tenant_id)", connection))
        {
            existsCommand.Parameters.AddWithValue("tenant_id", tenantId);
            if (!(bool)(await existsCommand.ExecuteScalarAsync(cancellationToken))!)
            {
                return null;
            }
        }

        await using var command = new NpgsqlCommand(
            $"SELECT {KeyColumns} FROM api_keys WHERE tenant_id = @tenant_id ORDER BY created_at DESC, id DESC", connection);
        command.Parameters.AddWithValue("tenant_id", tenantId);

        var keys = new List<ApiKeyResponse>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(ReadKey(reader));
        }

        return keys;
    }

    /// <summary>Marks the key revoked. Returns false when no key has that id. Revoking twice keeps the first time.</summary>
    public async Task<bool> RevokeAsync(Guid keyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, @now) WHERE id = @id");
        command.Parameters.AddWithValue("id", keyId);
        command.Parameters.AddWithValue("now", now.ToUniversalTime());
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>Returns the identity behind a plaintext key, or null when it is unknown, revoked or expired at <paramref name="now"/>.</summary>
    public async Task<ApiKeyIdentity?> ValidateAsync(string key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT t.id, t.name, k.id, k.name, k.expires_at
            FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
            WHERE k.key_hash = @key_hash
              AND k.revoked_at IS NULL
              AND (k.expires_at IS NULL OR k.expires_at > @now)
            """);
        command.Parameters.AddWithValue("key_hash", ApiKeyFormat.Hash(key));
        command.Parameters.AddWithValue("now", now.ToUniversalTime());

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ApiKeyIdentity(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetGuid(2),
                reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4))
            : null;
    }

    private static ApiKeyResponse ReadKey(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetGuid(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetFieldValue<DateTimeOffset>(4),
        reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
        reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6),
        reader.IsDBNull(7) ? null : reader.GetGuid(7));
}
