using System.Globalization;

namespace AspireAi.Billing.Pricing;

/// <summary>The checks that every stored price passes, whether it comes from the catalog or the admin API.</summary>
internal static class PriceRules
{
    /// <summary>The highest price per million tokens accepted. A larger value is taken for a unit error.</summary>
    public const decimal MaxPlausiblePerMillion = 1000m;

    /// <summary>The longest provider or model name accepted.</summary>
    public const int MaxNameLength = 200;

    /// <summary>
    /// Returns what is wrong with one price per million tokens, or <see langword="null"/> when it is valid.
    /// A missing value is accepted when <paramref name="optional"/> is set, because it then defaults to zero.
    /// </summary>
    public static string? ValidateAmount(decimal? amount, string field, bool optional = false)
    {
        if (amount is null)
        {
            return optional ? null : $"{field} is missing. Give the price in US dollars per million tokens.";
        }

        if (amount < 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{field} is negative ({amount}). Give the price in US dollars per million tokens.");
        }

        if (amount >= MaxPlausiblePerMillion)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"{field} is {amount}, not under {MaxPlausiblePerMillion} dollars per million tokens. Prices are in US dollars per million tokens: check that the amount is not in cents or another currency.");
        }

        return null;
    }

    /// <summary>Returns what is wrong when the cached-input price exceeds the input price, or <see langword="null"/>.</summary>
    public static string? ValidateCachedInput(decimal? input, decimal? cachedInput, string inputField, string cachedInputField) =>
        input is { } uncached && cachedInput is { } cached && cached > uncached
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"{cachedInputField} {cached} is higher than {inputField} {uncached}. A cached token never costs more than an uncached one.")
            : null;
}
