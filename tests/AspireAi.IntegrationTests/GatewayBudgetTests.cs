using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AspireAi.IntegrationTests.Infrastructure;

namespace AspireAi.IntegrationTests;

public class GatewayBudgetTests(AspireAiAppFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    // With max_tokens at 20 the emulator's reply is cut at exactly 20 tokens, and it counts prompt
    // tokens with the same tokenizer as the gateway, so the estimate equals the billed cost.
    private static object Chat(string subject) => new
    {
        model = "gpt-4o-mini",
        max_tokens = 20,
        messages = new[] { new { role = "user", content = $"Write a long story about {subject}." } },
    };

    private static async Task<(HttpStatusCode Status, decimal Cost, JsonElement Body)> SendAsync(HttpClient http, string subject)
    {
        using var response = await http.PostAsJsonAsync("/v1/chat/completions", Chat(subject), Cancellation);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        var cost = response.Headers.TryGetValues("x-aspireai-cost", out var values)
            ? decimal.Parse(values.Single(), CultureInfo.InvariantCulture)
            : 0m;
        return (response.StatusCode, cost, body);
    }

    [Fact]
    public async Task Budget_TwoHundredConcurrentRequests_AdmitsTheTenThatFit()
    {
        // Three-digit numbers are one token each in o200k_base, so every prompt below has the same
        // token count and the same cost as the probe.
        var probe = await fixture.CreateTenantAsync(Cancellation);
        using var probeHttp = probe.CreateHttpClient();
        var (probeStatus, costPerRequest, _) = await SendAsync(probeHttp, "the number 999");
        Assert.Equal(HttpStatusCode.OK, probeStatus);
        Assert.True(costPerRequest > 0m);

        var tenant = await fixture.CreateTenantAsync(Cancellation);
        var limit = costPerRequest * 10.5m;
        await fixture.CreateTenantBudgetAsync(tenant.Id, limit, Cancellation);
        using var http = tenant.CreateHttpClient();

        var subjects = Enumerable.Range(100, 200).Select(number => $"the number {number}").ToArray();
        var results = await Task.WhenAll(subjects.Select(subject => SendAsync(http, subject)));

        var admitted = results.Where(result => result.Status == HttpStatusCode.OK).ToList();
        var refused = results.Where(result => result.Status == HttpStatusCode.PaymentRequired).ToList();
        Assert.Equal(10, admitted.Count);
        Assert.Equal(190, refused.Count);
        Assert.All(admitted, result => Assert.Equal(costPerRequest, result.Cost));
        Assert.All(refused, result => Assert.Equal("aspireai_budget_exceeded", result.Body.GetProperty("error").GetProperty("code").GetString()));

        var total = (await http.GetFromJsonAsync<JsonElement>("/v1/usage", Cancellation)).GetProperty("total");
        Assert.Equal(10, total.GetProperty("requests").GetInt64());
        Assert.True(total.GetProperty("cost").GetDecimal() <= limit);
    }

    [Fact]
    public async Task Budget_EstimateAboveLimit_Refused402WithBudgetDetails()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        await fixture.CreateTenantBudgetAsync(tenant.Id, 0.000001m, Cancellation);
        using var http = tenant.CreateHttpClient();

        using var response = await http.PostAsJsonAsync("/v1/chat/completions", Chat("the letter Q"), Cancellation);

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal("gateway", response.Headers.GetValues("x-aspireai-error-source").Single());
        var error = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("error");
        Assert.Equal("aspireai_budget_exceeded", error.GetProperty("code").GetString());
        Assert.Equal(0.000001m, error.GetProperty("budget").GetProperty("limit").GetDecimal());
        Assert.Equal("monthly", error.GetProperty("budget").GetProperty("period").GetString());
    }

    [Fact]
    public async Task Budget_CacheHit_ServedEvenWhenBudgetIsSpent()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();
        var (firstStatus, cost, _) = await SendAsync(http, "the letter K");
        await fixture.CreateTenantBudgetAsync(tenant.Id, cost, Cancellation);

        var (repeatStatus, repeatCost, _) = await SendAsync(http, "the letter K");
        var (newStatus, _, _) = await SendAsync(http, "the letter L");

        Assert.Equal(HttpStatusCode.OK, firstStatus);
        Assert.Equal(HttpStatusCode.OK, repeatStatus);
        Assert.Equal(0m, repeatCost);
        Assert.Equal(HttpStatusCode.PaymentRequired, newStatus);
    }
}
