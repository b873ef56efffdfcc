using System.Text.Json.Nodes;
using AspireAi.Completion.CostControl;
using Microsoft.AspNetCore.Http;

namespace AspireAi.Completion.Tests.CostControl;

public class CostCapTests
{
    private static JsonObject Body(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void TryReadCap_Header_ReadsDollars()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers[CostPlanner.MaxCostHeader] = "0.0025";

        var valid = CostPlanner.TryReadCap(context.Request, Body("""{"model":"m"}"""), out var cap, out var error);

        Assert.True(valid);
        Assert.Equal(0.0025m, cap);
        Assert.Null(error);
    }

    [Fact]
    public void TryReadCap_BodyField_ReadAndRemovedBeforeForwarding()
    {
        var body = Body("""{"model":"m","aspireai":{"max_cost":0.5}}""");

        var valid = CostPlanner.TryReadCap(null, body, out var cap, out _);

        Assert.True(valid);
        Assert.Equal(0.5m, cap);
        Assert.False(body.ContainsKey("aspireai"));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("0")]
    [InlineData("ten cents")]
    [InlineData("1e-3")]
    public void TryReadCap_InvalidHeader_ExplainsFormat(string header)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers[CostPlanner.MaxCostHeader] = header;

        var valid = CostPlanner.TryReadCap(context.Request, Body("""{"model":"m"}"""), out var cap, out var error);

        Assert.False(valid);
        Assert.Null(cap);
        Assert.Contains("positive amount in US dollars", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"aspireai":{"max_cost":"0.1"}}""")]
    [InlineData("""{"aspireai":{"max_cost":-0.1}}""")]
    public void TryReadCap_InvalidBodyField_Rejected(string json)
    {
        var valid = CostPlanner.TryReadCap(null, Body(json), out _, out var error);

        Assert.False(valid);
        Assert.Contains("aspireai.max_cost", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadCap_NoCap_ReturnsNull()
    {
        var valid = CostPlanner.TryReadCap(null, Body("""{"model":"m"}"""), out var cap, out var error);

        Assert.True(valid);
        Assert.Null(cap);
        Assert.Null(error);
    }
}
