using System.Globalization;
using System.Text.Json;
using AspireAi.BillingClient;

namespace AspireAi.Billing.Pricing;

/// <summary>The error raised when the price catalog file is missing, unreadable or has an invalid entry.</summary>
public sealed class PriceCatalogException(string message, Exception? innerException = null) : Exception(message, innerException);

/// <summary>Loads and validates the shipped price catalog (US dollars per million tokens).</summary>
public static class PriceCatalog
{
    /// <summary>The highest price per million tokens accepted. A larger value is taken for a typing error.</summary>
    public const decimal MaxPlausiblePerMillion = PriceRules.MaxPlausiblePerMillion;

    /// <summary>Reads the catalog at <paramref name="path"/> and returns its prices.</summary>
    /// <exception cref="PriceCatalogException">The file is missing, is not valid JSON or has an invalid entry. The message names each one.</exception>
    public static IReadOnlyList<ModelPrice> Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);

        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new PriceCatalogException($"Price catalog '{path}' could not be read: {exception.Message}", exception);
        }

        return Parse(json, path);
    }

    /// <summary>Parses catalog JSON; <paramref name="source"/> names the file in error messages.</summary>
    /// <exception cref="PriceCatalogException">The JSON is invalid or an entry is. The message names each one.</exception>
    public static IReadOnlyList<ModelPrice> Parse(string json, string source)
    {
        CatalogFile? file;
        try
        {
            file = JsonSerializer.Deserialize<CatalogFile>(json, BillingJson.Options);
        }
        catch (JsonException exception)
        {
            throw new PriceCatalogException($"Price catalog '{source}' is not valid JSON: {exception.Message}", exception);
        }

        if (file?.Prices is null || file.Prices.Count == 0)
        {
            throw new PriceCatalogException($"Price catalog '{source}' has no \"prices\" array or it is empty.");
        }

        var errors = new List<string>();
        var prices = new List<ModelPrice>();
        var seen = new HashSet<(string, string, DateOnly)>();

        for (var i = 0; i < file.Prices.Count; i++)
        {
            var entry = file.Prices[i];
            var label = entry is null
                ? string.Create(CultureInfo.InvariantCulture, $"entry {i}")
                : string.Create(CultureInfo.InvariantCulture, $"entry {i} ({entry.Provider ?? "?"}/{entry.Model ?? "?"})");
            var entryErrors = ValidateEntry(entry, label);
            if (entryErrors.Count > 0)
            {
                errors.AddRange(entryErrors);
                continue;
            }

            var price = new ModelPrice(
                entry!.Provider!,
                entry.Model!,
                entry.Input!.Value,
                entry.Output!.Value,
                entry.CachedInput!.Value,
                entry.EffectiveFrom!.Value,
                entry.CacheWrite ?? 0m);
            if (!seen.Add((price.Provider, price.Model, price.EffectiveFrom)))
            {
                errors.Add($"{label}: a second price for the same provider, model and effective_from {price.EffectiveFrom:yyyy-MM-dd}.");
                continue;
            }

            prices.Add(price);
        }

        if (errors.Count > 0)
        {
            throw new PriceCatalogException($"Price catalog '{source}' is invalid: {string.Join(" ", errors)}");
        }

        return prices;
    }

    private static List<string> ValidateEntry(CatalogEntry? entry, string label)
    {
        var errors = new List<string>();
        if (entry is null)
        {
            errors.Add($"{label}: is null.");
            return errors;
        }

        if (string.IsNullOrWhiteSpace(entry.Provider))
        {
            errors.Add($"{label}: provider is missing.");
        }

        if (string.IsNullOrWhiteSpace(entry.Model))
        {
            errors.Add($"{label}: model is missing.");
        }

        if (entry.EffectiveFrom is null)
        {
            errors.Add($"{label}: effective_from is missing. Use a date such as 2025-01-01.");
        }

        ValidateAmount(entry.Input, "input", label, errors);
        ValidateAmount(entry.Output, "output", label, errors);
        ValidateAmount(entry.CachedInput, "cached_input", label, errors);
        ValidateAmount(entry.CacheWrite, "cache_write", label, errors, optional: true);

        if (PriceRules.ValidateCachedInput(entry.Input, entry.CachedInput, "input", "cached_input") is { } cachedInputError)
        {
            errors.Add($"{label}: {cachedInputError}");
        }

        return errors;
    }

    private static void ValidateAmount(decimal? amount, string field, string label, List<string> errors, bool optional = false)
    {
        if (PriceRules.ValidateAmount(amount, field, optional) is { } error)
        {
            errors.Add($"{label}: {error}");
        }
    }

    private sealed record CatalogFile(string? Currency, string? Unit, List<CatalogEntry?>? Prices);

    private sealed record CatalogEntry(
        string? Provider, string? Model, decimal? Input, decimal? Output, decimal? CachedInput, DateOnly? EffectiveFrom, decimal? CacheWrite);
}
