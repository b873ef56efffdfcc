using System.Text.Json;
using AspireAi.Completion.Chat;
using AspireAi.Completion.Providers;

namespace AspireAi.Completion.Tests.Providers;

public sealed class UpstreamErrorsTests
{
    [Fact]
    public void Map_429WithRetryAfter_Stays429WithHeader()
    {
        var outcome = UpstreamErrors.Map(429, TimeSpan.FromSeconds(2), """{"error":{"message":"Slow down.","type":"requests","code":"rate_limit_exceeded"}}""");

        Assert.Equal(429, outcome.StatusCode);
        Assert.Equal("2", outcome.Headers["Retry-After"]);
        Assert.Equal("provider", outcome.Headers[ChatOutcome.ErrorSourceHeader]);
        Assert.Equal("upstream_rate_limited", Code(outcome));
        Assert.Equal("The provider's rate limit was reached, so retry after 2 s. Provider message: Slow down.", Message(outcome));
    }

    [Fact]
    public void Map_429WithoutRetryAfter_StillSendsRetryAfter()
    {
        var outcome = UpstreamErrors.Map(429, null, "not json");

        Assert.Equal("1", outcome.Headers["Retry-After"]);
        Assert.Equal("The provider's rate limit was reached, so retry after 1 s.", Message(outcome));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(529)]
    public void Map_ServerError_Becomes502(int status)
    {
        var outcome = UpstreamErrors.Map(status, null, """{"error":{"message":"Internal failure."}}""");

        Assert.Equal(502, outcome.StatusCode);
        Assert.Equal("upstream_server_error", Code(outcome));
        Assert.Contains("Internal failure.", Message(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public void EffectiveStatus_RateLimitInside5xxEnvelope_Is429()
    {
        Assert.Equal(429, UpstreamErrors.EffectiveStatus(500, """{"error":{"message":"Too many requests","code":"rate_limit_exceeded"}}"""));
        Assert.Equal(429, UpstreamErrors.EffectiveStatus(503, """{"type":"error","error":{"type":"rate_limit_error","message":"Slow down"}}"""));
        Assert.Equal(500, UpstreamErrors.EffectiveStatus(500, """{"error":{"message":"boom","type":"server_error"}}"""));
    }

    [Fact]
    public void Map_ErrorInside200_Becomes502InvalidResponse()
    {
        var outcome = UpstreamErrors.Map(200, null, """{"error":{"message":"The model crashed."}}""");

        Assert.Equal(502, outcome.StatusCode);
        Assert.Equal("upstream_invalid_response", Code(outcome));
        Assert.Contains("The model crashed.", Message(outcome), StringComparison.Ordinal);
    }

    [Fact]
    public void Map_ClientError_PassesProviderBodyOn()
    {
        const string body = """{"error":{"message":"max_tokens is too large","type":"invalid_request_error","param":"max_tokens","code":null}}""";

        var outcome = UpstreamErrors.Map(400, null, body);

        Assert.Equal(400, outcome.StatusCode);
        Assert.Equal(body, outcome.Body);
        Assert.Equal("provider", outcome.Headers[ChatOutcome.ErrorSourceHeader]);
    }

    [Fact]
    public void Timeout_Is504()
    {
        Assert.Equal(504, UpstreamErrors.Timeout().StatusCode);
        Assert.Equal("upstream_timeout", Code(UpstreamErrors.Timeout()));
    }

    private static string? Code(ChatOutcome outcome) => JsonDocument.Parse(outcome.Body).RootElement.GetProperty("error").GetProperty("code").GetString();

    private static string Message(ChatOutcome outcome) => JsonDocument.Parse(outcome.Body).RootElement.GetProperty("error").GetProperty("message").GetString()!;
}
