using System.Text.Json;

namespace AspireAi.EmbeddingSearch.Storage;

/// <summary>
/// A condition on a document's metadata, with the same meaning on both backends. A condition on a
/// key that the document lacks does not match. A string matches only a string, a boolean only a
/// boolean, and a number only a number, compared as double-precision values.
/// </summary>
public abstract record MetadataFilter
{
    /// <summary>Returns whether <paramref name="metadata"/> satisfies this condition.</summary>
    public abstract bool Matches(IReadOnlyDictionary<string, JsonElement> metadata);
}

/// <summary>Matches when every inner filter matches.</summary>
/// <param name="Filters">At least one filter.</param>
public sealed record AndFilter(IReadOnlyList<MetadataFilter> Filters) : MetadataFilter
{
    /// <inheritdoc />
    public override bool Matches(IReadOnlyDictionary<string, JsonElement> metadata) => Filters.All(filter => filter.Matches(metadata));
}

/// <summary>Matches when at least one inner filter matches.</summary>
/// <param name="Filters">At least one filter.</param>
public sealed record OrFilter(IReadOnlyList<MetadataFilter> Filters) : MetadataFilter
{
    /// <inheritdoc />
    public override bool Matches(IReadOnlyDictionary<string, JsonElement> metadata) => Filters.Any(filter => filter.Matches(metadata));
}

/// <summary>Matches when the value of <paramref name="Key"/> equals <paramref name="Value"/>.</summary>
/// <param name="Key">The metadata key.</param>
/// <param name="Value">A string, number or boolean.</param>
public sealed record EqualsFilter(string Key, JsonElement Value) : MetadataFilter
{
    /// <inheritdoc />
    public override bool Matches(IReadOnlyDictionary<string, JsonElement> metadata) =>
        metadata.TryGetValue(Key, out var actual) && MetadataValues.AreEqual(actual, Value);
}

/// <summary>Matches when the value of <paramref name="Key"/> equals one of <paramref name="Values"/>.</summary>
/// <param name="Key">The metadata key.</param>
/// <param name="Values">At least one string, number or boolean.</param>
public sealed record AnyOfFilter(string Key, IReadOnlyList<JsonElement> Values) : MetadataFilter
{
    /// <inheritdoc />
    public override bool Matches(IReadOnlyDictionary<string, JsonElement> metadata) =>
        metadata.TryGetValue(Key, out var actual) && Values.Any(value => MetadataValues.AreEqual(actual, value));
}

/// <summary>Matches when the value of <paramref name="Key"/> is a number within every bound that is set.</summary>
/// <param name="Key">The metadata key.</param>
/// <param name="GreaterThan">An exclusive lower bound.</param>
/// <param name="GreaterThanOrEqual">An inclusive lower bound.</param>
/// <param name="LessThan">An exclusive upper bound.</param>
/// <param name="LessThanOrEqual">An inclusive upper bound.</param>
public sealed record RangeFilter(string Key, double? GreaterThan, double? GreaterThanOrEqual, double? LessThan, double? LessThanOrEqual) : MetadataFilter
{
    /// <inheritdoc />
    public override bool Matches(IReadOnlyDictionary<string, JsonElement> metadata)
    {
        if (!metadata.TryGetValue(Key, out var actual) || actual.ValueKind != JsonValueKind.Number)
        {
            return false;
        }

        var value = actual.GetDouble();
        return (GreaterThan is not { } gt || value > gt)
            && (GreaterThanOrEqual is not { } gte || value >= gte)
            && (LessThan is not { } lt || value < lt)
            && (LessThanOrEqual is not { } lte || value <= lte);
    }
}

/// <summary>Comparisons of metadata values that both backends share.</summary>
internal static class MetadataValues
{
    /// <summary>Returns whether two metadata values are of the same kind and equal; numbers compare as doubles.</summary>
    public static bool AreEqual(JsonElement actual, JsonElement expected) => (actual.ValueKind, expected.ValueKind) switch
    {
        (JsonValueKind.String, JsonValueKind.String) => string.Equals(actual.GetString(), expected.GetString(), StringComparison.Ordinal),
        (JsonValueKind.Number, JsonValueKind.Number) => actual.GetDouble() == expected.GetDouble(),
        (JsonValueKind.True, JsonValueKind.True) or (JsonValueKind.False, JsonValueKind.False) => true,
        _ => false,
    };
}
