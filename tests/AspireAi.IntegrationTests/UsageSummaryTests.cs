using System.ClientModel.Primitives;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using AspireAi.IntegrationTests.Infrastructure;
using OpenAI.Chat;

namespace AspireAi.IntegrationTests;

public class UsageSummaryTests(AspireAiAppFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Usage_AfterRequests_TotalsEqualSumOfRequests()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        var chat = tenant.CreateOpenAiClient().GetChatClient("gpt-4o-mini");
        string[] prompts = ["Count to three.", "Name a prime number.", "Spell 'gateway' backwards."];

        decimal expectedCost = 0m;
        long expectedInput = 0;
        long expectedOutput = 0;
        foreach (var prompt in prompts)
        {
            var result = await chat.CompleteChatAsync([new UserChatMessage(prompt)], cancellationToken: Cancellation);
            expectedCost += CostOf(result.GetRawResponse());
            expectedInput += result.Value.Usage.InputTokenCount;
            expectedOutput += result.Value.Usage.OutputTokenCount;
        }

        var repeat = await chat.CompleteChatAsync([new UserChatMessage(prompts[0])], cancellationToken: Cancellation);
        var hitTokens = repeat.Value.Usage.InputTokenCount + repeat.Value.Usage.OutputTokenCount;

        using var http = tenant.CreateHttpClient();
        var summary = await http.GetFromJsonAsync<JsonElement>("/v1/usage", Cancellation);
        var total = summary.GetProperty("total");

        Assert.Equal(tenant.Id, summary.GetProperty("tenant_id").GetGuid());
        Assert.Equal(4, total.GetProperty("requests").GetInt64());
        Assert.Equal(1, total.GetProperty("cache_hits").GetInt64());
        Assert.Equal(expectedInput, total.GetProperty("input_tokens").GetInt64());
        Assert.Equal(expectedOutput, total.GetProperty("output_tokens").GetInt64());
        Assert.Equal(hitTokens, total.GetProperty("cache_hit_tokens").GetInt64());
        Assert.Equal(expectedCost, total.GetProperty("cost").GetDecimal());
        Assert.Equal(0m, CostOf(repeat.GetRawResponse()));

        var rows = summary.GetProperty("by_day_and_model").EnumerateArray().ToList();
        var row = Assert.Single(rows);
        Assert.Equal("gpt-4o-mini", row.GetProperty("model").GetString());
        Assert.Equal(expectedCost, row.GetProperty("totals").GetProperty("cost").GetDecimal());
    }

    [Fact]
    public async Task Usage_NewTenant_IsEmpty()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);

        using var http = tenant.CreateHttpClient();
        var summary = await http.GetFromJsonAsync<JsonElement>("/v1/usage", Cancellation);

        Assert.Equal(0, summary.GetProperty("total").GetProperty("requests").GetInt64());
        Assert.Empty(summary.GetProperty("by_day_and_model").EnumerateArray());
    }

    private static decimal CostOf(PipelineResponse response) =>
        decimal.Parse(response.Headers.TryGetValue("x-aspireai-cost", out var value) ? value! : "missing", NumberStyles.Number, CultureInfo.InvariantCulture);
}
