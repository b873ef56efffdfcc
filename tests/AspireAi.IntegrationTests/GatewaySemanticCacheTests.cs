using System.Net.Http.Json;
using System.Text.Json;
using AspireAi.IntegrationTests.Infrastructure;

namespace AspireAi.IntegrationTests;

public class GatewaySemanticCacheTests(AspireAiAppFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static object Chat(string prompt) =>
        new { model = "gpt-4o-mini", messages = new[] { new { role = "user", content = prompt } } };

    private static async Task<(string Cache, string? Match, string Text)> AskAsync(HttpClient http, string prompt)
    {
        using var response = await http.PostAsJsonAsync("/v1/chat/completions", Chat(prompt), Cancellation);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        var match = response.Headers.TryGetValues("x-aspireai-cache-match", out var values) ? values.Single() : null;
        return (response.Headers.GetValues("x-aspireai-cache").Single(), match, body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!);
    }

    [Fact]
    public async Task SemanticTenant_Paraphrase_ServedFromCacheUnrelatedMissed()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation, AspireAiAppFixture.SemanticTenantName);
        using var http = tenant.CreateHttpClient();

        var original = await AskAsync(http, "What is the capital city of France?");
        var paraphrase = await AskAsync(http, "What's the capital of France?");
        var unrelated = await AskAsync(http, "How do I bake sourdough bread at home?");

        Assert.Equal("miss", original.Cache);
        Assert.Equal("hit", paraphrase.Cache);
        Assert.StartsWith("semantic; similarity=", paraphrase.Match, StringComparison.Ordinal);
        Assert.Equal(original.Text, paraphrase.Text);
        Assert.Equal("miss", unrelated.Cache);

        var total = (await http.GetFromJsonAsync<JsonElement>("/v1/usage", Cancellation)).GetProperty("total");
        Assert.Equal(1, total.GetProperty("cache_hits").GetInt64());
    }

    [Fact]
    public async Task ExactTenant_Paraphrase_NeverServedNearMatch()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();

        var original = await AskAsync(http, "What is the capital city of Italy?");
        var paraphrase = await AskAsync(http, "What's the capital of Italy?");
        var repeat = await AskAsync(http, "What is the capital city of Italy?");

        Assert.Equal("miss", original.Cache);
        Assert.Equal("miss", paraphrase.Cache);
        Assert.Equal("hit", repeat.Cache);
        Assert.Equal("exact", repeat.Match);
    }
}
