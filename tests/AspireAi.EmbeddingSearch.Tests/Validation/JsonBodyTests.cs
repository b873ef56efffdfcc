using System.Text;
using AspireAi.BillingClient;
using AspireAi.EmbeddingSearch.Collections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AspireAi.EmbeddingSearch.Tests.Validation;

public sealed class JsonBodyTests
{
    [Fact]
    public async Task ReadAsync_QuotedLimit_NamesFieldAndType()
    {
        var (value, errors) = await JsonBody.ReadAsync<SearchRequest>(CreateRequest("""{"query":"x","limit":"3"}"""), TestContext.Current.CancellationToken);

        Assert.Null(value);
        var message = Assert.Single(Assert.Contains("limit", errors));
        Assert.StartsWith("limit must be an integer", message, StringComparison.Ordinal);
        Assert.Contains("without quotes", message, StringComparison.Ordinal);
        Assert.DoesNotContain("AspireAi", message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(typeof(SearchRequest), """{"query":"x","score_threshold":"0.5"}""", "score_threshold", "must be a number")]
    [InlineData(typeof(SearchRequest), """{"query":5}""", "query", "must be a string")]
    [InlineData(typeof(SearchRequest), """{"vector":"1,2"}""", "vector", "must be an array of numbers")]
    [InlineData(typeof(SearchRequest), """{"vector":[1,"2"]}""", "vector[1]", "must be a number")]
    [InlineData(typeof(SearchRequest), """{"query":"x","limit":2.5}""", "limit", "must be an integer")]
    [InlineData(typeof(UpsertDocumentsRequest), """{"documents":{"id":"a"}}""", "documents", "must be an array of objects")]
    [InlineData(typeof(UpsertDocumentsRequest), """{"documents":[{"id":"a","text":"t"},{"id":7,"text":"t"}]}""", "documents[1].id", "must be a string")]
    [InlineData(typeof(UpsertDocumentsRequest), """{"documents":[{"id":"a","vector":[1,true]}]}""", "documents[0].vector[1]", "must be a number")]
    [InlineData(typeof(CreateCollectionRequest), """{"name":["docs"]}""", "name", "must be a string")]
    [InlineData(typeof(CreateCollectionRequest), """{"name":"docs","indexed_metadata":["year"]}""", "indexed_metadata", "must be an object whose values are strings")]
    [InlineData(typeof(CreateCollectionRequest), """{"name":"docs","indexed_metadata":{"year":1}}""", "indexed_metadata.year", "must be a string")]
    [InlineData(typeof(CreateCollectionRequest), """[]""", "body", "must be a JSON object")]
    [InlineData(typeof(CountDocumentsRequest), "\"filter\"", "body", "must be a JSON object")]
    public async Task ReadAsync_WrongJsonType_NamesFieldAndType(Type requestType, string json, string field, string expected)
    {
        var errors = await ReadErrorsAsync(requestType, json);

        var message = Assert.Single(Assert.Contains(field, errors));
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.DoesNotContain("AspireAi", message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_MalformedJson_ReportsReaderProblem()
    {
        var (_, errors) = await JsonBody.ReadAsync<SearchRequest>(CreateRequest("""{"query":"x",}"""), TestContext.Current.CancellationToken);

        var message = Assert.Single(Assert.Contains(JsonBody.ErrorKey, errors));
        Assert.StartsWith("The request body is not valid JSON:", message, StringComparison.Ordinal);
        Assert.Contains("BytePositionInLine", message, StringComparison.Ordinal);
        Assert.DoesNotContain("AspireAi", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_TextContentType_RequestsJson()
    {
        var request = CreateRequest("""{"query":"x"}""");
        request.ContentType = "text/plain";

        var (_, errors) = await JsonBody.ReadAsync<SearchRequest>(request, TestContext.Current.CancellationToken);

        Assert.Contains("Content-Type: application/json", Assert.Single(Assert.Contains(JsonBody.ErrorKey, errors)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_ValidBody_ReadsSnakeCaseFields()
    {
        var (value, errors) = await JsonBody.ReadAsync<SearchRequest>(
            CreateRequest("""{"query":"x","limit":3,"score_threshold":0.5}"""), TestContext.Current.CancellationToken);

        Assert.Empty(errors);
        Assert.NotNull(value);
        Assert.Equal(3, value.Limit);
        Assert.Equal(0.5f, value.ScoreThreshold);
    }

    private static async Task<Dictionary<string, string[]>> ReadErrorsAsync(Type requestType, string json)
    {
        var request = CreateRequest(json);
        var cancellationToken = TestContext.Current.CancellationToken;
        if (requestType == typeof(SearchRequest))
        {
            return (await JsonBody.ReadAsync<SearchRequest>(request, cancellationToken)).Errors;
        }

        if (requestType == typeof(UpsertDocumentsRequest))
        {
            return (await JsonBody.ReadAsync<UpsertDocumentsRequest>(request, cancellationToken)).Errors;
        }

        if (requestType == typeof(CreateCollectionRequest))
        {
            return (await JsonBody.ReadAsync<CreateCollectionRequest>(request, cancellationToken)).Errors;
        }

        return (await JsonBody.ReadAsync<CountDocumentsRequest>(request, cancellationToken)).Errors;
    }

    /// <summary>Creates a POST request with the service's JSON settings: snake_case names and strict numbers.</summary>
    private static HttpRequest CreateRequest(string json)
    {
        var services = new ServiceCollection();
        services.ConfigureHttpJsonOptions(options => BillingJson.Apply(options.SerializerOptions));
        var context = new DefaultHttpContext { RequestServices = services.BuildServiceProvider() };
        var body = Encoding.UTF8.GetBytes(json);
        context.Request.Method = "POST";
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = body.Length;
        context.Request.Body = new MemoryStream(body);
        return context.Request;
    }
}
