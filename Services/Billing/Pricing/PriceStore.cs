using AspireAi.BillingClient;
using Npgsql;

namespace AspireAi.Billing.Pricing;

/// <summary>Reads and seeds the <c>prices</c> table.</summary>
internal sealed class PriceStore(NpgsqlDataSource dataSource, ILogger<PriceStore> logger)
{
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
                    INSERT INTO prices (provider, model, effective_from, input_per_million, output_per_million, cached_input_per_million)
                    VALUES (@provider, @model, @effective_from, @input, @output, @cached_input)
                    ON CONFLICT (provider, model, effective_from) DO NOTHING
                    RETURNING true AS inserted
                )
                SELECT
                    EXISTS (SELECT 1 FROM inserted),
                    (SELECT input_per_million = @input AND output_per_million = @output AND cached_input_per_million = @cached_input
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
            """
            SELECT provider, model, input_per_million, output_per_million, cached_input_per_million, effective_from
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
            """
            SELECT DISTINCT ON (provider, model)
                provider, model, input_per_million, output_per_million, cached_input_per_million, effective_from
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

    private static ModelPrice ReadPrice(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetDecimal(2),
        reader.GetDecimal(3),
        reader.GetDecimal(4),
        reader.GetFieldValue<DateOnly>(5));
}
