using AspireAi.BillingClient;
using Npgsql;

namespace AspireAi.Billing.Pricing;

/// <summary>Reads and seeds the <c>prices</c> table.</summary>
internal sealed class PriceStore(NpgsqlDataSource dataSource, ILogger<PriceStore> logger)
{
    private const string PriceColumns =
        "provider, model, input_per_million, output_per_million, cached_input_per_million, effective_from, cache_write_per_million";

    /// <summary>
    /// Inserts the catalog rows that the table lacks. A stored row that differs from the catalog is kept
    /// and logged as a warning, because prices already used for billing must not change silently.
    /// </summary>
    public async Task SeedAsync(IReadOnlyList<ModelPrice> catalog, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var inserted = 0;

        foreach (var price in catalog)
        {
            await using var command = new NpgsqlCommand(
                """
                WITH inserted AS (
                    INSERT INTO prices (provider, model, effective_from, input_per_million, output_per_million, cached_input_per_million,
                                        cache_write_per_million)
                    VALUES (@provider, @model, @effective_from, @input, @output, @cached_input, @cache_write)
                    ON CONFLICT (provider, model, effective_from) DO NOTHING
                    RETURNING true AS inserted
                )
                SELECT
                    EXISTS (SELECT 1 FROM inserted),
                    (SELECT input_per_million = @input AND output_per_million = @output AND cached_input_per_million = @cached_input
                            AND cache_write_per_million = @cache_write
                     FROM prices
                     WHERE provider = @provider AND model = @model AND effective_from = @effective_from)
                """,
                connection);
            command.Parameters.AddWithValue("provider", price.Provider);
            command.Parameters.AddWithValue("model", price.Model);
            command.Parameters.AddWithValue("effective_from", price.EffectiveFrom);
            command.Parameters.AddWithValue("input", price.InputPerMillion);
            command.Parameters.AddWithValue("output", price.OutputPerMillion);
            command.Parameters.AddWithValue("cached_input", price.CachedInputPerMillion);
            command.Parameters.AddWithValue("cache_write", price.CacheWritePerMillion);

            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            if (reader.GetBoolean(0))
            {
                inserted++;
            }
            else if (!reader.IsDBNull(1) && !reader.GetBoolean(1))
            {
                Log.PriceCatalogConflict(logger, price.Provider, price.Model, price.EffectiveFrom);
            }
        }

        Log.PricesSeeded(logger, inserted, catalog.Count);
    }

    /// <summary>
    /// Returns the price of <paramref name="model"/> in effect on <paramref name="day"/>: the row with the latest
    /// effective date not after that day. When several providers list the model, <paramref name="provider"/>'s row wins.
    /// </summary>
    public async Task<ModelPrice?> FindAsync(string provider, string model, DateOnly day, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT {PriceColumns}
            FROM prices
            WHERE model = @model AND effective_from <= @day
            ORDER BY (provider = @provider) DESC, effective_from DESC, provider
            LIMIT 1
            """);
        command.Parameters.AddWithValue("model", model);
        command.Parameters.AddWithValue("day", day);
        command.Parameters.AddWithValue("provider", provider);

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadPrice(reader) : null;
    }

    /// <summary>Returns one price per provider and model: the one in effect on <paramref name="day"/>.</summary>
    public async Task<IReadOnlyList<ModelPrice>> ListInEffectAsync(DateOnly day, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT DISTINCT ON (provider, model)
                {PriceColumns}
            FROM prices
            WHERE effective_from <= @day
            ORDER BY provider, model, effective_from DESC
            """);
        command.Parameters.AddWithValue("day", day);

        var prices = new List<ModelPrice>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            prices.Add(ReadPrice(reader));
        }

        return prices;
    }

    /// <summary>
    /// Inserts one price. Returns false, and changes nothing, when the provider and model already have a price with
    /// the same effective date, because a price already used for billing must not change.
    /// </summary>
    public async Task<bool> TryAddAsync(ModelPrice price, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            INSERT INTO prices (provider, model, effective_from, input_per_million, output_per_million, cached_input_per_million,
                                cache_write_per_million)
            VALUES (@provider, @model, @effective_from, @input, @output, @cached_input, @cache_write)
            ON CONFLICT (provider, model, effective_from) DO NOTHING
            """);
        command.Parameters.AddWithValue("provider", price.Provider);
        command.Parameters.AddWithValue("model", price.Model);
        command.Parameters.AddWithValue("effective_from", price.EffectiveFrom);
        command.Parameters.AddWithValue("input", price.InputPerMillion);
        command.Parameters.AddWithValue("output", price.OutputPerMillion);
        command.Parameters.AddWithValue("cached_input", price.CachedInputPerMillion);
        command.Parameters.AddWithValue("cache_write", price.CacheWritePerMillion);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Returns every stored price, past and future ones included, optionally of one provider or model.</summary>
    public async Task<IReadOnlyList<ModelPrice>> ListAllAsync(string? provider, string? model, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT {PriceColumns}
            FROM prices
            WHERE (@provider::text IS NULL OR provider = @provider) AND (@model::text IS NULL OR model = @model)
            ORDER BY provider, model, effective_from
            """);
        command.Parameters.AddWithValue("provider", NpgsqlTypes.NpgsqlDbType.Text, (object?)provider ?? DBNull.Value);
        command.Parameters.AddWithValue("model", NpgsqlTypes.NpgsqlDbType.Text, (object?)model ?? DBNull.Value);

        var prices = new List<ModelPrice>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            prices.Add(ReadPrice(reader));
        }

        return prices;
    }

    private static ModelPrice ReadPrice(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetDecimal(2),
        reader.GetDecimal(3),
        reader.GetDecimal(4),
        reader.GetFieldValue<DateOnly>(5),
        reader.GetDecimal(6));
}
