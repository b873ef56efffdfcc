using Npgsql;
using NpgsqlTypes;

namespace AspireAi.Billing.Budgets;

/// <summary>The values of a new or changed budget, checked by <see cref="BudgetRules"/>.</summary>
internal sealed record BudgetDefinition(
    Guid? KeyId, string? Model, BudgetPeriod Period, decimal LimitUsd, BudgetEnforcement Enforcement, IReadOnlyList<int> AlertThresholds);

/// <summary>Reads and writes the <c>budgets</c> and <c>budget_alerts</c> tables and sums stored spend.</summary>
internal sealed class BudgetStore(NpgsqlDataSource dataSource)
{
    private const string BudgetColumns =
        "b.id, b.tenant_id, b.key_id, b.model, b.period, b.limit_usd, b.enforcement, b.alert_thresholds, b.reset_at, t.time_zone";

    /// <summary>Inserts a budget for the tenant and returns it, or null when the tenant does not exist.</summary>
    public async Task<Budget?> CreateAsync(Guid tenantId, BudgetDefinition definition, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            WITH inserted AS (
                INSERT INTO budgets (id, tenant_id, key_id, model, period, limit_usd, enforcement, alert_thresholds)
                SELECT @id, id, @key_id, @model, @period, @limit_usd, @enforcement, @alert_thresholds FROM tenants WHERE id = @tenant_id
                RETURNING *
            )
            SELECT {BudgetColumns} FROM inserted b JOIN tenants t ON t.id = b.tenant_id
            """);
        command.Parameters.AddWithValue("id", Guid.CreateVersion7());
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("key_id", NpgsqlDbType.Uuid, (object?)definition.KeyId ?? DBNull.Value);
        command.Parameters.AddWithValue("model", NpgsqlDbType.Text, (object?)definition.Model ?? DBNull.Value);
        AddValues(command, definition);

        return await ReadSingleAsync(command, cancellationToken);
    }

    /// <summary>Changes the limit, enforcement and alert thresholds. Returns null when no budget has the id.</summary>
    public async Task<Budget?> UpdateAsync(Guid budgetId, BudgetDefinition definition, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            WITH updated AS (
                UPDATE budgets
                SET limit_usd = @limit_usd, enforcement = @enforcement, alert_thresholds = @alert_thresholds, updated_at = now()
                WHERE id = @id
                RETURNING *
            )
            SELECT {BudgetColumns} FROM updated b JOIN tenants t ON t.id = b.tenant_id
            """);
        command.Parameters.AddWithValue("id", budgetId);
        AddValues(command, definition);

        return await ReadSingleAsync(command, cancellationToken);
    }

    /// <summary>Sets the budget's reset instant to <paramref name="now"/>. Returns null when no budget has the id.</summary>
    public async Task<Budget?> ResetAsync(Guid budgetId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            WITH updated AS (
                UPDATE budgets SET reset_at = @now, updated_at = now() WHERE id = @id RETURNING *
            )
            SELECT {BudgetColumns} FROM updated b JOIN tenants t ON t.id = b.tenant_id
            """);
        command.Parameters.AddWithValue("id", budgetId);
        command.Parameters.AddWithValue("now", now.ToUniversalTime());

        return await ReadSingleAsync(command, cancellationToken);
    }

    /// <summary>Deletes a budget and its alert history. Returns false when no budget has the id.</summary>
    public async Task<bool> DeleteAsync(Guid budgetId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM budgets WHERE id = @id");
        command.Parameters.AddWithValue("id", budgetId);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<Budget?> FindAsync(Guid budgetId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {BudgetColumns} FROM budgets b JOIN tenants t ON t.id = b.tenant_id WHERE b.id = @id");
        command.Parameters.AddWithValue("id", budgetId);
        return await ReadSingleAsync(command, cancellationToken);
    }

    /// <summary>Lists the tenant's budgets, oldest first.</summary>
    public async Task<IReadOnlyList<Budget>> ListAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {BudgetColumns} FROM budgets b JOIN tenants t ON t.id = b.tenant_id WHERE b.tenant_id = @tenant_id ORDER BY b.created_at, b.id");
        command.Parameters.AddWithValue("tenant_id", tenantId);
        return await ReadAllAsync(command, cancellationToken);
    }

    /// <summary>Returns the budgets that limit a request by this key and model: the tenant's, the key's and the key's for the model.</summary>
    public async Task<IReadOnlyList<Budget>> FindApplicableAsync(Guid tenantId, Guid keyId, string model, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT {BudgetColumns}
            FROM budgets b JOIN tenants t ON t.id = b.tenant_id
            WHERE b.tenant_id = @tenant_id
              AND (b.key_id IS NULL OR b.key_id = @key_id)
              AND (b.model IS NULL OR b.model = @model)
            ORDER BY b.id
            """);
        command.Parameters.AddWithValue("tenant_id", tenantId);
        command.Parameters.AddWithValue("key_id", keyId);
        command.Parameters.AddWithValue("model", model);
        return await ReadAllAsync(command, cancellationToken);
    }

    /// <summary>Sums the stored cost of the budget's scope from <see cref="BudgetWindow.Start"/> to <see cref="BudgetWindow.End"/>.</summary>
    public async Task<decimal> SumSpendAsync(Budget budget, BudgetWindow window, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            SELECT COALESCE(sum(cost), 0)
            FROM usage_ledger
            WHERE tenant_id = @tenant_id
              AND (@key_id::uuid IS NULL OR key_id = @key_id)
              AND (@model::text IS NULL OR model = @model)
              AND occurred_at >= @start AND occurred_at < @end
            """);
        command.Parameters.AddWithValue("tenant_id", budget.TenantId);
        command.Parameters.AddWithValue("key_id", NpgsqlDbType.Uuid, (object?)budget.KeyId ?? DBNull.Value);
        command.Parameters.AddWithValue("model", NpgsqlDbType.Text, (object?)budget.Model ?? DBNull.Value);
        command.Parameters.AddWithValue("start", window.Start.ToUniversalTime());
        command.Parameters.AddWithValue("end", window.End.ToUniversalTime());
        return (decimal)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Records that an alert threshold was reached. Returns false when it was already recorded for the period.</summary>
    public async Task<bool> TryRecordAlertAsync(Guid budgetId, DateTimeOffset periodStart, int threshold, decimal spend, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO budget_alerts (budget_id, period_start, threshold, spend)
            VALUES (@budget_id, @period_start, @threshold, @spend)
            ON CONFLICT DO NOTHING
            """);
        command.Parameters.AddWithValue("budget_id", budgetId);
        command.Parameters.AddWithValue("period_start", periodStart.ToUniversalTime());
        command.Parameters.AddWithValue("threshold", threshold);
        command.Parameters.AddWithValue("spend", spend);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Sets the tenant's time zone id. Returns false when the tenant does not exist.</summary>
    public async Task<bool> SetTimeZoneAsync(Guid tenantId, string timeZone, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE tenants SET time_zone = @time_zone WHERE id = @id");
        command.Parameters.AddWithValue("id", tenantId);
        command.Parameters.AddWithValue("time_zone", timeZone);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>Returns the problem with the key for a budget of the tenant, or null when the key belongs to it.</summary>
    public async Task<string?> CheckKeyAsync(Guid tenantId, Guid keyId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT tenant_id FROM api_keys WHERE id = @id");
        command.Parameters.AddWithValue("id", keyId);
        var owner = await command.ExecuteScalarAsync(cancellationToken);
        return owner switch
        {
            null => $"No API key has id {keyId}. List the tenant's keys with GET /admin/tenants/{tenantId}/keys.",
            Guid ownerId when ownerId != tenantId => $"API key {keyId} belongs to another tenant, not to tenant {tenantId}.",
            _ => null,
        };
    }

    private static void AddValues(NpgsqlCommand command, BudgetDefinition definition)
    {
        command.Parameters.AddWithValue("period", definition.Period == BudgetPeriod.Daily ? "daily" : "monthly");
        command.Parameters.AddWithValue("limit_usd", definition.LimitUsd);
        command.Parameters.AddWithValue("enforcement", definition.Enforcement == BudgetEnforcement.Hard ? "hard" : "soft");
        command.Parameters.AddWithValue("alert_thresholds", definition.AlertThresholds.ToArray());
    }

    private static async Task<Budget?> ReadSingleAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadBudget(reader) : null;
    }

    private static async Task<IReadOnlyList<Budget>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var budgets = new List<Budget>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            budgets.Add(ReadBudget(reader));
        }

        return budgets;
    }

    private static Budget ReadBudget(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetGuid(1),
        reader.IsDBNull(2) ? null : reader.GetGuid(2),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.GetString(4) == "daily" ? BudgetPeriod.Daily : BudgetPeriod.Monthly,
        reader.GetDecimal(5),
        reader.GetString(6) == "hard" ? BudgetEnforcement.Hard : BudgetEnforcement.Soft,
        reader.GetFieldValue<int[]>(7),
        reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8),
        reader.GetString(9));
}
