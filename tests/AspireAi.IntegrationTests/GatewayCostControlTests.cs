using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspireAi.IntegrationTests.Infrastructure;
using OpenAI.Chat;

namespace AspireAi.IntegrationTests;

public class GatewayCostControlTests(AspireAiAppFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static object Chat(string model, string prompt) =>
        new { model, messages = new[] { new { role = "user", content = prompt } } };

    [Fact]
    public async Task CostCap_ExpensiveModelWithAlternative_ServedByCheaperModel()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(Chat("gpt-4o", "Summarise the plot of a fairy tale.")) };
        request.Headers.Add("x-aspireai-max-cost", "0.001");

        using var response = await http.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("gpt-4o-mini", response.Headers.GetValues("x-aspireai-model").Single());
        Assert.Equal("model=gpt-4o-mini", response.Headers.GetValues("x-aspireai-cost-alternative").Single());
        var estimate = decimal.Parse(response.Headers.GetValues("x-aspireai-estimated-cost").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(estimate <= 0.001m);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal("gpt-4o-mini", body.GetProperty("model").GetString());
    }

    [Fact]
    public async Task CostCap_NoAlternativeFits_RefusedWithEstimate()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(Chat("gpt-4.1", "Write a long essay.")) };
        request.Headers.Add("x-aspireai-max-cost", "0.0001");

        using var response = await http.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal("gateway", response.Headers.GetValues("x-aspireai-error-source").Single());
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("error");
        Assert.Equal("aspireai_cost_cap_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("$0.0001", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("gpt-4.1 with up to 1024 output tokens is estimated at $", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CostCap_InvalidHeader_Returns400()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(Chat("gpt-4o-mini", "Hi")) };
        request.Headers.Add("x-aspireai-max-cost", "cheap");

        using var response = await http.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("x-aspireai-max-cost", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentIdenticalMisses_ShareOneProviderCall()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        var chat = tenant.CreateOpenAiClient().GetChatClient("gpt-4o-mini");
        ChatMessage[] messages = [new UserChatMessage("Fifty callers ask the same thing at once.")];

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => chat.CompleteChatAsync(messages, cancellationToken: Cancellation)));

        var statuses = results.Select(result => result.GetRawResponse().Headers.TryGetValue("x-aspireai-cache", out var value) ? value : "none").ToList();
        Assert.Equal(1, statuses.Count(status => status == "miss"));
        Assert.Equal(49, statuses.Count(status => status == "hit"));
        Assert.Single(results.Select(result => result.Value.Content[0].Text).Distinct());

        using var http = tenant.CreateHttpClient();
        var total = (await http.GetFromJsonAsync<JsonElement>("/v1/usage", Cancellation)).GetProperty("total");
        Assert.Equal(50, total.GetProperty("requests").GetInt64());
        Assert.Equal(49, total.GetProperty("cache_hits").GetInt64());
        Assert.Equal(results[0].Value.Usage.OutputTokenCount, total.GetProperty("output_tokens").GetInt64());
    }

    [Fact]
    public async Task Batch_WithPoisonedItems_ReturnsResultPerItemAndBillsGoodOnes()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();
        var poisoned = new HashSet<int> { 3, 9, 15 };
        var items = Enumerable.Range(0, 20).Select(index => index switch
        {
            3 => (object)new { model = "gpt-4o-mini" },
            9 => new { model = "no-such-model", messages = new[] { new { role = "user", content = "Item 9" } } },
            15 => new { model = "gpt-4o-mini", messages = new[] { new { role = "user", content = "Item 15" } }, stream = true },
            _ => Chat("gpt-4o-mini", $"Batch item number {index}"),
        }).ToArray();

        using var response = await http.PostAsJsonAsync("/v1/chat/batch", new { requests = items }, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(20, results.Count);
        for (var index = 0; index < results.Count; index++)
        {
            Assert.Equal(index, results[index].GetProperty("index").GetInt32());
            if (poisoned.Contains(index))
            {
                Assert.NotEqual(200, results[index].GetProperty("status").GetInt32());
                Assert.True(results[index].TryGetProperty("error", out _));
            }
            else
            {
                Assert.Equal(200, results[index].GetProperty("status").GetInt32());
                Assert.Contains($"Batch item number {index}", results[index].GetProperty("response").GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), StringComparison.Ordinal);
            }
        }

        Assert.Equal(17, body.GetProperty("summary").GetProperty("succeeded").GetInt32());
        Assert.Equal(3, body.GetProperty("summary").GetProperty("failed").GetInt32());
        var total = (await http.GetFromJsonAsync<JsonElement>("/v1/usage", Cancellation)).GetProperty("total");
        Assert.Equal(17, total.GetProperty("requests").GetInt64());
        Assert.Equal(body.GetProperty("summary").GetProperty("cost").GetDecimal(), total.GetProperty("cost").GetDecimal());
    }

    [Fact]
    public async Task Batch_EmptyOrTooLarge_Returns400()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();

        using var empty = await http.PostAsJsonAsync("/v1/chat/batch", new { requests = Array.Empty<object>() }, Cancellation);
        using var tooLarge = await http.PostAsJsonAsync("/v1/chat/batch", new { requests = Enumerable.Range(0, 101).Select(index => Chat("gpt-4o-mini", $"{index}")).ToArray() }, Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, tooLarge.StatusCode);
        Assert.Contains("maximum is 100", await tooLarge.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }
}
