using System.Text.Json;
using AspireAi.EmbeddingSearch.Collections;

namespace AspireAi.EmbeddingSearch.Tests.Validation;

public sealed class CollectionRequestValidatorTests
{
    [Theory]
    [InlineData("docs")]
    [InlineData("A-b_c.9")]
    [InlineData(".")]
    [InlineData("x")]
    public void CheckCollectionName_ValidName_ReturnsNull(string name)
    {
        Assert.Null(CollectionRequestValidator.CheckCollectionName(name));
        Assert.Null(CollectionRequestValidator.CheckCollectionName(new string('n', 64)));
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("with space")]
    [InlineData("slash/name")]
    [InlineData("café")]
    public void CheckCollectionName_InvalidName_ReturnsProblem(string? name)
    {
        Assert.NotNull(CollectionRequestValidator.CheckCollectionName(name));
        Assert.NotNull(CollectionRequestValidator.CheckCollectionName(new string('n', 65)));
    }

    [Fact]
    public void ValidateCreate_MissingBody_ReportsName()
    {
        var errors = CollectionRequestValidator.ValidateCreate(null);

        Assert.Equal(["name"], errors.Keys);
    }

    [Fact]
    public void ValidateUpsert_ValidDocuments_ReturnsNoErrors()
    {
        var request = Upsert("""
            {"documents":[
              {"id":"a","text":"first","metadata":{"lang":"en","page":3,"draft":false}},
              {"id":"b","text":"second","metadata":null},
              {"id":"c","text":"third"}
            ]}
            """);

        Assert.Empty(CollectionRequestValidator.ValidateUpsert(request));
    }

    [Theory]
    [InlineData("""{"documents":[]}""", "documents")]
    [InlineData("""{}""", "documents")]
    [InlineData("""{"documents":[{"text":"t"}]}""", "documents[0].id")]
    [InlineData("""{"documents":[{"id":"","text":"t"}]}""", "documents[0].id")]
    [InlineData("""{"documents":[{"id":"a","text":""}]}""", "documents[0].text")]
    [InlineData("""{"documents":[{"id":"a"}]}""", "documents[0].text")]
    [InlineData("""{"documents":[{"id":"a","text":"t"},{"id":"a","text":"u"}]}""", "documents[1].id")]
    [InlineData("""{"documents":[{"id":"a","text":"t","metadata":[1]}]}""", "documents[0].metadata")]
    [InlineData("""{"documents":[{"id":"a","text":"t","metadata":{"nested":{"x":1}}}]}""", "documents[0].metadata")]
    [InlineData("""{"documents":[{"id":"a","text":"t","metadata":{"list":[1]}}]}""", "documents[0].metadata")]
    [InlineData("""{"documents":[{"id":"a","text":"t","metadata":{"gone":null}}]}""", "documents[0].metadata")]
    [InlineData("""{"documents":[null]}""", "documents[0]")]
    public void ValidateUpsert_InvalidDocuments_ReportsField(string json, string field)
    {
        var errors = CollectionRequestValidator.ValidateUpsert(Upsert(json));

        Assert.Contains(field, errors.Keys);
    }

    [Theory]
    [InlineData("""{"documents":[{"id":"a"}]}""")]
    [InlineData("""{"documents":[{"id":"a","text":""}]}""")]
    public void ValidateUpsert_MissingText_MentionsVectorAlternative(string json)
    {
        var errors = CollectionRequestValidator.ValidateUpsert(Upsert(json));

        var message = Assert.Single(Assert.Contains("documents[0].text", errors));
        Assert.Contains("unless a vector is sent", message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateUpsert_LengthLimits_AreInclusive()
    {
        var atLimit = new UpsertDocumentsRequest([new DocumentInput(new string('i', 128), new string('t', 32_000), null)]);
        var overLimit = new UpsertDocumentsRequest([new DocumentInput(new string('i', 129), new string('t', 32_001), null)]);

        var atLimitErrors = CollectionRequestValidator.ValidateUpsert(atLimit);
        var overLimitErrors = CollectionRequestValidator.ValidateUpsert(overLimit);

        Assert.Empty(atLimitErrors);
        Assert.Contains("documents[0].id", overLimitErrors.Keys);
        Assert.Contains("documents[0].text", overLimitErrors.Keys);
    }

    [Fact]
    public void ValidateUpsert_DocumentCount_Accepts256AndRejects257()
    {
        static UpsertDocumentsRequest Documents(int count) =>
            new(Enumerable.Range(0, count).Select(i => (DocumentInput?)new DocumentInput($"id-{i}", "text", null)).ToList());

        Assert.Empty(CollectionRequestValidator.ValidateUpsert(Documents(256)));
        Assert.Equal(["documents"], CollectionRequestValidator.ValidateUpsert(Documents(257)).Keys);
    }

    [Fact]
    public void ValidateSearch_QueryOnly_ReturnsNoErrors()
    {
        Assert.Empty(CollectionRequestValidator.ValidateSearch(new SearchRequest("dates", null, null)));
        Assert.Empty(CollectionRequestValidator.ValidateSearch(new SearchRequest("dates", 100, -1f)));
        Assert.Empty(CollectionRequestValidator.ValidateSearch(new SearchRequest("dates", 1, 1f)));
    }

    [Theory]
    [InlineData(null, null, null, "query")]
    [InlineData("", null, null, "query")]
    [InlineData("q", 0, null, "limit")]
    [InlineData("q", 101, null, "limit")]
    [InlineData("q", null, 1.01f, "score_threshold")]
    [InlineData("q", null, -1.5f, "score_threshold")]
    public void ValidateSearch_InvalidField_ReportsIt(string? query, int? limit, float? threshold, string field)
    {
        var errors = CollectionRequestValidator.ValidateSearch(new SearchRequest(query, limit, threshold));

        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void ValidateSearch_NullBody_ReportsQuery()
    {
        Assert.Equal(["query"], CollectionRequestValidator.ValidateSearch(null).Keys);
    }

    private static UpsertDocumentsRequest? Upsert(string json) =>
        JsonSerializer.Deserialize<UpsertDocumentsRequest>(json, AspireAi.BillingClient.BillingJson.Options);

    [Fact]
    public void CheckDimensions_WrongSize_NamesBothSizes()
    {
        var problem = CollectionRequestValidator.CheckDimensions(new float[3], 384, "docs");

        Assert.NotNull(problem);
        Assert.Contains("has 3 dimensions", problem, StringComparison.Ordinal);
        Assert.Contains("384-dimensional", problem, StringComparison.Ordinal);
        Assert.Null(CollectionRequestValidator.CheckDimensions(new float[384], 384, "docs"));
    }

    [Fact]
    public void ValidateUpsert_ZeroVector_IsRejected()
    {
        var vector = new float[384];
        vector[0] = 2f;
        var request = new UpsertDocumentsRequest([new DocumentInput("a", null, null, vector), new DocumentInput("b", null, null, new float[384])]);

        var errors = CollectionRequestValidator.ValidateUpsert(request);

        Assert.Equal(["documents[1].vector"], errors.Keys);
    }

    [Fact]
    public void ValidateSearch_QueryAndVectorTogether_IsRejected()
    {
        var errors = CollectionRequestValidator.ValidateSearch(new SearchRequest("text", null, null, [1f, 0f]));

        Assert.Equal(["query"], errors.Keys);
    }

    [Fact]
    public void ValidateCreate_UnknownIndexType_NamesTheKey()
    {
        var request = new CreateCollectionRequest("docs", new Dictionary<string, string?> { ["year"] = "integer", ["lang"] = "text", ["a.b"] = "keyword" });

        var errors = CollectionRequestValidator.ValidateCreate(request);

        Assert.Equal(["indexed_metadata.a.b", "indexed_metadata.lang"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void CheckIndexedTypes_WrongType_NamesKey()
    {
        using var metadata = JsonDocument.Parse("""{"year":"2020","lang":"en"}""");
        var indexed = new Dictionary<string, AspireAi.EmbeddingSearch.Storage.MetadataFieldType>
        {
            ["year"] = AspireAi.EmbeddingSearch.Storage.MetadataFieldType.Integer,
            ["lang"] = AspireAi.EmbeddingSearch.Storage.MetadataFieldType.Keyword,
        };

        var problem = CollectionRequestValidator.CheckIndexedTypes(metadata.RootElement, indexed);

        Assert.NotNull(problem);
        Assert.Contains("metadata.year", problem, StringComparison.Ordinal);
        Assert.Contains("integer", problem, StringComparison.Ordinal);
    }
}
