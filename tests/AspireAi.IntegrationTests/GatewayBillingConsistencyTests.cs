using System.Globalization;
using System.Text.Json;
using AspireAi.IntegrationTests.Infrastructure;

namespace AspireAi.IntegrationTests;

/// <summary>Billing of streamed and whole calls through the gateway.</summary>
public class GatewayBillingConsistencyTests(AspireAiAppFixture fixture)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StreamedAndWhole_SameContent_SameLedgerCost()
    {
        var tenant = await fixture.CreateTenantAsync(Cancellation);
        using var http = tenant.CreateHttpClient();
        var prompt = "Same content, same cost. " + Guid.NewGuid();

        var streamed = await GatewayStreams.StreamAsync(http, "gpt-4o-mini", prompt, Cancellation);
        using var whole = await http.SendAsync(GatewayStreams.ChatRequest("gpt-4o-mini", prompt, stream: false), Cancellation);

        var streamedCost = Assert.Single(streamed.Chunks, chunk => chunk.TryGetProperty("aspireai", out _)).GetProperty("aspireai").GetProperty("cost").GetDecimal();
        var wholeCost = decimal.Parse(whole.Headers.GetValues("x-aspireai-cost").Single(), CultureInfo.InvariantCulture);
        Assert.True(wholeCost > 0m);
        Assert.Equal(wholeCost, streamedCost);
        var ledger = await GatewayStreams.WaitForUsageAsync(http, 2, Cancellation);
        Assert.Equal(2 * wholeCost, ledger.GetProperty("cost").GetDecimal());
    }
}
