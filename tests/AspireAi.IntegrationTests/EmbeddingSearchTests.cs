using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspireAi.IntegrationTests.Infrastructure;

namespace AspireAi.IntegrationTests;

public class EmbeddingSearchTests(AspireAiAppFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static readonly object[] Documents =
    [
        new { id = "datetime-parse", text = "DateTime.Parse converts the string representation of a date and time to its DateTime equivalent.", metadata = new { kind = "method" } },
        new { id = "gzip-stream", text = "GZipStream provides methods and properties used to compress and decompress streams by using the GZip data format.", metadata = new { kind = "type" } },
        new { id = "http-client", text = "HttpClient sends HTTP requests and receives HTTP responses from a resource identified by a URI.", metadata = new { kind = "type" } },
        new { id = "list-sort", text = "List.Sort sorts the elements in the entire list using the default comparer.", metadata = new { kind = "method" } },
        new { id = "json-serialize", text = "JsonSerializer.Serialize converts the value of a type to a JSON string.", metadata = new { kind = "method" } },
    ];

    [Fact]
    public async Task Search_ParaphrasedQuery_FindsRightDocument()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();

        using var created = await http.PostAsJsonAsync("/v1/collections", new { name = "docs" }, Cancellation);
        using var upserted = await http.PostAsJsonAsync("/v1/collections/docs/documents", new { documents = Documents }, Cancellation);
        using var searched = await http.PostAsJsonAsync("/v1/collections/docs/search", new { query = "how can I shrink a file stream with gzip compression", limit = 3 }, Cancellation);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, upserted.StatusCode);
        Assert.Equal(Documents.Length, (await upserted.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("upserted").GetInt32());
        Assert.Equal(HttpStatusCode.OK, searched.StatusCode);
        var results = (await searched.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(3, results.Count);
        Assert.Equal("gzip-stream", results[0].GetProperty("id").GetString());
        Assert.True(results[0].GetProperty("score").GetSingle() > results[1].GetProperty("score").GetSingle());
    }

    [Fact]
    public async Task Search_DateQuestion_RanksDateParsingFirst()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();
        await http.PostAsJsonAsync("/v1/collections", new { name = "api" }, Cancellation);
        await http.PostAsJsonAsync("/v1/collections/api/documents", new { documents = Documents }, Cancellation);

        using var searched = await http.PostAsJsonAsync("/v1/collections/api/search", new { query = "turn text into a date value", limit = 1 }, Cancellation);

        var results = (await searched.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("results");
        Assert.Equal("datetime-parse", Assert.Single(results.EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task Collections_OtherTenant_CannotReadOrSearch()
    {
        var owner = await fixture.CreateTenantAsync(Cancellation);
        var stranger = await fixture.CreateTenantAsync(Cancellation);
        using var ownerHttp = owner.CreateHttpClient();
        using var strangerHttp = stranger.CreateHttpClient();
        await ownerHttp.PostAsJsonAsync("/v1/collections", new { name = "private" }, Cancellation);
        await ownerHttp.PostAsJsonAsync("/v1/collections/private/documents", new { documents = Documents }, Cancellation);

        using var read = await strangerHttp.GetAsync("/v1/collections/private", Cancellation);
        using var search = await strangerHttp.PostAsJsonAsync("/v1/collections/private/search", new { query = "gzip", limit = 3 }, Cancellation);
        var list = await strangerHttp.GetFromJsonAsync<JsonElement>("/v1/collections", Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, search.StatusCode);
        Assert.Empty(list.GetProperty("collections").EnumerateArray());
    }

    [Fact]
    public async Task Embeddings_OpenAiSdkThroughGateway_Returns384Dimensions()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        var embeddings = tenant.CreateOpenAiClient().GetEmbeddingClient("all-minilm-l6-v2");

        var result = await embeddings.GenerateEmbeddingsAsync(["compress a stream", "parse a date"], cancellationToken: Cancellation);

        Assert.Equal(2, result.Value.Count);
        Assert.All(result.Value, embedding => Assert.Equal(384, embedding.ToFloats().Length));
        var vector = result.Value[0].ToFloats().Span;
        var norm = 0f;
        foreach (var component in vector)
        {
            norm += component * component;
        }

        Assert.InRange(norm, 0.99f, 1.01f);
    }

    [Fact]
    public async Task Collections_NoKey_Returns401()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var anonymous = new HttpClient { BaseAddress = tenant.GatewayBaseAddress };

        using var response = await anonymous.GetAsync("/v1/collections", Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
