using System.Text.Json;
using AspireAi.EmbeddingSearch.Collections;
using AspireAi.EmbeddingSearch.Storage;

namespace AspireAi.EmbeddingSearch.Tests.Validation;

public sealed class MetadataFilterParserTests
{
    [Fact]
    public void TryParse_NestedGroups_BuildsFilterTree()
    {
        var filter = Parse("""{"and":[{"key":"lang","eq":"en"},{"or":[{"key":"year","gte":2020,"lt":2025},{"key":"tag","any_of":["a","b"]}]}]}""");

        var and = Assert.IsType<AndFilter>(filter);
        Assert.Equal("lang", Assert.IsType<EqualsFilter>(and.Filters[0]).Key);
        var or = Assert.IsType<OrFilter>(and.Filters[1]);
        var range = Assert.IsType<RangeFilter>(or.Filters[0]);
        Assert.Equal((2020d, 2025d), (range.GreaterThanOrEqual, range.LessThan));
        Assert.Null(range.GreaterThan);
        Assert.Equal(2, Assert.IsType<AnyOfFilter>(or.Filters[1]).Values.Count);
    }

    [Theory]
    [InlineData("""[]""", "filter must be an object")]
    [InlineData("""{"eq":"en"}""", "filter.key is required")]
    [InlineData("""{"key":"lang"}""", "filter has no operator")]
    [InlineData("""{"key":"lang","eq":{"a":1}}""", "filter.eq must be a string, number or boolean")]
    [InlineData("""{"key":"lang","size":1}""", "filter.size is not an operator")]
    [InlineData("""{"key":"lang","eq":"en","gt":1,"bogus":2}""", "filter.bogus is not an operator")]
    [InlineData("""{"key":"year","gt":"2020"}""", "filter.gt must be a finite number")]
    [InlineData("""{"key":"tag","any_of":[]}""", "filter.any_of must be a non-empty array")]
    [InlineData("""{"and":[]}""", "filter.and must be a non-empty array")]
    [InlineData("""{"and":[{"key":"a","eq":1}],"or":[{"key":"a","eq":1}]}""", "only 'and' or only 'or'")]
    [InlineData("""{"and":[{"key":"a.b","eq":1}]}""", "filter.and[0].key")]
    public void TryParse_InvalidFilter_NamesPathAndProblem(string json, string expected)
    {
        using var document = JsonDocument.Parse(json);

        var valid = MetadataFilterParser.TryParse(document.RootElement, "filter", out _, out var error);

        Assert.False(valid);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"key":"lang","eq":"en","any_of":["de"]}""", "'eq' and 'any_of'", "any_of")]
    [InlineData("""{"key":"lang","eq":"en","gt":1}""", "'eq' and 'gt'", "gt")]
    [InlineData("""{"key":"year","gte":2020,"any_of":[2021],"lt":2025}""", "'gte', 'any_of' and 'lt'", "gte")]
    public void TryParse_CombinedOperators_ExplainsOneOperatorPerCondition(string json, string found, string other)
    {
        using var document = JsonDocument.Parse(json);

        var valid = MetadataFilterParser.TryParse(document.RootElement, "filter", out _, out var error);

        Assert.False(valid);
        Assert.NotNull(error);
        Assert.Contains($"combines the operators {found}", error, StringComparison.Ordinal);
        Assert.Contains("one condition takes one operator", error, StringComparison.Ordinal);
        Assert.Contains("\"and\":[", error, StringComparison.Ordinal);
        Assert.Contains($"\"{other}\":", error, StringComparison.Ordinal);
        Assert.Contains("'or'", error, StringComparison.Ordinal);
        Assert.DoesNotContain("is not an operator", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_TooDeep_IsRejected()
    {
        var json = string.Concat(Enumerable.Repeat("""{"and":[""", 10)) + """{"key":"a","eq":1}""" + string.Concat(Enumerable.Repeat("]}", 10));
        using var document = JsonDocument.Parse(json);

        var valid = MetadataFilterParser.TryParse(document.RootElement, "filter", out _, out var error);

        Assert.False(valid);
        Assert.Contains("deeper than 8 levels", error, StringComparison.Ordinal);
    }

    private static MetadataFilter Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        Assert.True(MetadataFilterParser.TryParse(document.RootElement.Clone(), "filter", out var filter, out var error), error);
        return filter!;
    }
}
