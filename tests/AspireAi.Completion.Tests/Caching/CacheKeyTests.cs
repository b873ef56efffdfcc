using System.Text.Json.Nodes;
using AspireAi.Completion.Caching;

namespace AspireAi.Completion.Tests.Caching;

public class CacheKeyTests
{
    private static readonly Guid TenantA = Guid.Parse("3f0e9a52-5f43-4a4e-9a57-0b3c4f1c2a11");
    private static readonly Guid TenantB = Guid.Parse("9b2d1f70-1c4e-4a8b-8f0e-6d5c3b2a1f00");

    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void Compute_SameRequestDifferentWhitespaceAndKeyOrder_SameKey()
    {
        var compact = Parse("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"temperature":0.2}""");
        var spaced = Parse("""
            {
              "temperature" : 0.2,
              "messages" : [ { "content" : "Hi", "role" : "user" } ],
              "model" : "gpt-4o-mini"
            }
            """);

        Assert.Equal(CacheKey.Compute(TenantA, compact), CacheKey.Compute(TenantA, spaced));
    }

    [Fact]
    public void Compute_DifferentTenants_DifferentKeys()
    {
        var request = Parse("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.NotEqual(CacheKey.Compute(TenantA, request), CacheKey.Compute(TenantB, request));
    }

    [Fact]
    public void Compute_ExplicitDefaultsEqualOmittedDefaults_SameKey()
    {
        var omitted = Parse("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}""");
        var explicitDefaults = Parse("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"temperature":1.0,"top_p":1,"n":1,"presence_penalty":0,"frequency_penalty":0.0}""");

        Assert.Equal(CacheKey.Compute(TenantA, omitted), CacheKey.Compute(TenantA, explicitDefaults));
    }

    [Fact]
    public void Compute_NumberSpellings_SameKey()
    {
        var plain = Parse("""{"model":"m","messages":[],"temperature":0.5,"max_tokens":100}""");
        var other = Parse("""{"model":"m","messages":[],"temperature":5e-1,"max_tokens":100.0}""");

        Assert.Equal(CacheKey.Canonicalize(plain), CacheKey.Canonicalize(other));
    }

    [Fact]
    public void Compute_StreamAndUserFields_DoNotChangeKey()
    {
        var plain = Parse("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}""");
        var streamed = Parse("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"stream":true,"stream_options":{"include_usage":true},"user":"u-42"}""");

        Assert.Equal(CacheKey.Compute(TenantA, plain), CacheKey.Compute(TenantA, streamed));
    }

    [Theory]
    [InlineData("""{"model":"gpt-4o","messages":[{"role":"user","content":"Hi"}]}""")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi!"}]}""")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"role":"system","content":"Hi"}]}""")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"temperature":0}""")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"top_p":0.9}""")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"max_tokens":10}""")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"stop":["\n"]}""")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"seed":7}""")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"n":2}""")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"response_format":{"type":"json_object"}}""")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"tools":[{"type":"function","function":{"name":"f"}}]}""")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"reasoning_effort":"low"}""")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"logit_bias":{"50256":-100}}""")]
    [InlineData("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"some_future_field":true}""")]
    public void Compute_AnswerChangingField_ChangesKey(string variant)
    {
        var baseline = Parse("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}""");

        Assert.NotEqual(CacheKey.Compute(TenantA, baseline), CacheKey.Compute(TenantA, Parse(variant)));
    }

    [Fact]
    public void Compute_MessageOrder_ChangesKey()
    {
        var first = Parse("""{"model":"m","messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}]}""");
        var second = Parse("""{"model":"m","messages":[{"role":"user","content":"b"},{"role":"user","content":"a"}]}""");

        Assert.NotEqual(CacheKey.Compute(TenantA, first), CacheKey.Compute(TenantA, second));
    }

    [Fact]
    public void Compute_KeyFormat_NamesTenantAndHash()
    {
        var key = CacheKey.Compute(TenantA, Parse("""{"model":"m","messages":[]}"""));

        Assert.StartsWith("aspireai:cache:v1:" + TenantA.ToString("N") + ":", key, StringComparison.Ordinal);
        Assert.Equal(64, key.Split(':')[^1].Length);
    }
}
