using System.Globalization;
using System.Text.Json;
using AspireAi.EmbeddingSearch.Storage;

namespace AspireAi.EmbeddingSearch.Collections;

/// <summary>
/// Reads the JSON form of a metadata filter. A filter is one object of one of these forms:
/// <c>{"key":"k","eq":v}</c>, <c>{"key":"k","any_of":[v,…]}</c>,
/// <c>{"key":"k","gt":n,"gte":n,"lt":n,"lte":n}</c> (any bounds, at least one),
/// <c>{"and":[filter,…]}</c> or <c>{"or":[filter,…]}</c>, where v is a string, number or boolean.
/// </summary>
public static class MetadataFilterParser
{
    /// <summary>The maximum nesting of <c>and</c> and <c>or</c>.</summary>
    public const int MaxDepth = 8;

    /// <summary>The maximum number of conditions and values in one filter.</summary>
    public const int MaxTerms = 256;

    private static readonly string[] RangeOperators = ["gt", "gte", "lt", "lte"];

    private static readonly string[] AllOperators = ["eq", "any_of", .. RangeOperators];

    /// <summary>Parses a filter, or describes the first problem found with its JSON path.</summary>
    /// <param name="json">The filter JSON.</param>
    /// <param name="path">The JSON path of the filter in the request, used in messages, such as <c>filter</c>.</param>
    /// <param name="filter">The filter when valid.</param>
    /// <param name="error">The problem when invalid.</param>
    /// <returns><see langword="true"/> when the filter is valid.</returns>
    public static bool TryParse(JsonElement json, string path, out MetadataFilter? filter, out string? error)
    {
        var terms = 0;
        return TryParse(json, path, depth: 1, ref terms, out filter, out error);
    }

    private static bool TryParse(JsonElement json, string path, int depth, ref int terms, out MetadataFilter? filter, out string? error)
    {
        filter = null;
        if (json.ValueKind != JsonValueKind.Object)
        {
            error = $"{path} must be an object such as {{\"key\":\"lang\",\"eq\":\"en\"}}, {{\"and\":[…]}} or {{\"or\":[…]}}.";
            return false;
        }

        if (++terms > MaxTerms)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"The filter has more than {MaxTerms} conditions and values. Simplify it.");
            return false;
        }

        var hasAnd = json.TryGetProperty("and", out var and);
        var hasOr = json.TryGetProperty("or", out var or);
        if (hasAnd || hasOr)
        {
            if ((hasAnd && hasOr) || CountProperties(json) != 1)
            {
                error = $"{path} must contain only 'and' or only 'or'. Nest one inside the other to combine them.";
                return false;
            }

            return TryParseGroup(hasAnd ? and : or, $"{path}.{(hasAnd ? "and" : "or")}", hasAnd, depth, ref terms, out filter, out error);
        }

        return TryParseCondition(json, path, ref terms, out filter, out error);
    }

    private static bool TryParseGroup(JsonElement items, string path, bool isAnd, int depth, ref int terms, out MetadataFilter? filter, out string? error)
    {
        filter = null;
        if (depth >= MaxDepth)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"{path} nests 'and' and 'or' deeper than {MaxDepth} levels. Flatten the filter.");
            return false;
        }

        if (items.ValueKind != JsonValueKind.Array || items.GetArrayLength() == 0)
        {
            error = $"{path} must be a non-empty array of filters.";
            return false;
        }

        var filters = new List<MetadataFilter>();
        var index = 0;
        foreach (var item in items.EnumerateArray())
        {
            if (!TryParse(item, string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]"), depth + 1, ref terms, out var inner, out error))
            {
                return false;
            }

            filters.Add(inner!);
            index++;
        }

        filter = isAnd ? new AndFilter(filters) : new OrFilter(filters);
        error = null;
        return true;
    }

    private static bool TryParseCondition(JsonElement json, string path, ref int terms, out MetadataFilter? filter, out string? error)
    {
        filter = null;
        if (!json.TryGetProperty("key", out var keyJson) || keyJson.ValueKind != JsonValueKind.String)
        {
            error = $"{path}.key is required: the metadata key to test, such as {{\"key\":\"lang\",\"eq\":\"en\"}}.";
            return false;
        }

        var key = keyJson.GetString()!;
        if (CollectionRequestValidator.CheckMetadataKey(key) is { } keyProblem)
        {
            error = $"{path}.key: {keyProblem}";
            return false;
        }

        var operators = json.EnumerateObject().Where(property => property.Name != "key").ToList();
        if (operators.Count == 0)
        {
            error = $"{path} has no operator. Add one of 'eq', 'any_of', 'gt', 'gte', 'lt' or 'lte'.";
            return false;
        }

        foreach (var property in operators)
        {
            if (!AllOperators.Contains(property.Name))
            {
                error = $"{path}.{property.Name} is not an operator. Use one of 'eq', 'any_of', 'gt', 'gte', 'lt' or 'lte'.";
                return false;
            }
        }

        var singleOperators = operators.Where(property => property.Name is "eq" or "any_of").ToList();
        if (singleOperators.Count > 0 && operators.Count > 1)
        {
            error = DescribeCombinedOperators(path, key, operators, singleOperators[0].Name);
            return false;
        }

        if (singleOperators.Count == 1)
        {
            return operators[0].Name == "eq"
                ? TryParseEquals(key, operators[0].Value, $"{path}.eq", out filter, out error)
                : TryParseAnyOf(key, operators[0].Value, $"{path}.any_of", ref terms, out filter, out error);
        }

        return TryParseRange(key, operators, path, out filter, out error);
    }

    /// <summary>
    /// Describes a condition that combines 'eq' or 'any_of' with another operator. One condition
    /// cannot take both, because it would be unclear whether both must match or either.
    /// </summary>
    private static string DescribeCombinedOperators(string path, string key, List<JsonProperty> operators, string singleOperator)
    {
        var names = operators.Select(property => $"'{property.Name}'").ToList();
        var found = string.Join(", ", names[..^1]) + " and " + names[^1];
        var other = operators.Select(property => property.Name).FirstOrDefault(name => name != singleOperator) ?? singleOperator;
        return $"{path} combines the operators {found}, but one condition takes one operator, or one range of 'gt', 'gte', 'lt' and 'lte'. "
            + "Write one condition per operator and join them, for example "
            + $"{{\"and\":[{{\"key\":\"{key}\",\"{singleOperator}\":…}},{{\"key\":\"{key}\",\"{other}\":…}}]}}, or use 'or' to match either.";
    }

    private static bool TryParseEquals(string key, JsonElement value, string path, out MetadataFilter? filter, out string? error)
    {
        filter = null;
        if (!IsScalar(value))
        {
            error = $"{path} must be a string, number or boolean.";
            return false;
        }

        filter = new EqualsFilter(key, value.Clone());
        error = null;
        return true;
    }

    private static bool TryParseAnyOf(string key, JsonElement values, string path, ref int terms, out MetadataFilter? filter, out string? error)
    {
        filter = null;
        if (values.ValueKind != JsonValueKind.Array || values.GetArrayLength() == 0)
        {
            error = $"{path} must be a non-empty array of strings, numbers or booleans.";
            return false;
        }

        var list = new List<JsonElement>();
        var index = 0;
        foreach (var value in values.EnumerateArray())
        {
            if (!IsScalar(value))
            {
                error = string.Create(CultureInfo.InvariantCulture, $"{path}[{index}] must be a string, number or boolean.");
                return false;
            }

            if (++terms > MaxTerms)
            {
                error = string.Create(CultureInfo.InvariantCulture, $"The filter has more than {MaxTerms} conditions and values. Simplify it.");
                return false;
            }

            list.Add(value.Clone());
            index++;
        }

        filter = new AnyOfFilter(key, list);
        error = null;
        return true;
    }

    private static bool TryParseRange(string key, List<JsonProperty> operators, string path, out MetadataFilter? filter, out string? error)
    {
        filter = null;
        var bounds = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var property in operators)
        {
            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetDouble(out var bound) || !double.IsFinite(bound))
            {
                error = $"{path}.{property.Name} must be a finite number.";
                return false;
            }

            bounds[property.Name] = bound;
        }

        filter = new RangeFilter(
            key,
            bounds.TryGetValue("gt", out var gt) ? gt : null,
            bounds.TryGetValue("gte", out var gte) ? gte : null,
            bounds.TryGetValue("lt", out var lt) ? lt : null,
            bounds.TryGetValue("lte", out var lte) ? lte : null);
        error = null;
        return true;
    }

    private static bool IsScalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String or JsonValueKind.True or JsonValueKind.False => true,
        JsonValueKind.Number => value.TryGetDouble(out var number) && double.IsFinite(number),
        _ => false,
    };

    private static int CountProperties(JsonElement json) => json.EnumerateObject().Count();
}
