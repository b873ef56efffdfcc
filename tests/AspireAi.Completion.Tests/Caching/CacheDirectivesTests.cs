using AspireAi.BillingClient;
using AspireAi.Completion.Caching;
using Microsoft.AspNetCore.Http;

namespace AspireAi.Completion.Tests.Caching;

public class CacheDirectivesTests
{
    private static readonly ApiKeyIdentity Acme = new(Guid.Parse("6a0e1c2d-3b4f-4a5b-8c6d-7e8f9a0b1c2d"), "acme", Guid.NewGuid(), "backend");
    private static readonly ApiKeyIdentity Other = new(Guid.NewGuid(), "other", Guid.NewGuid(), "backend");

    private static ResponseCacheOptions Options() => new()
    {
        DefaultTtl = TimeSpan.FromHours(24),
        Tenants =
        {
            ["acme"] = new TenantCacheOptions { DefaultTtl = TimeSpan.FromMinutes(5) },
            [Other.TenantId.ToString()] = new TenantCacheOptions { Enabled = false },
        },
    };

    private static HttpRequest Request(string? cacheControl = null, string? ttl = null)
    {
        var context = new DefaultHttpContext();
        if (cacheControl is not null)
        {
            context.Request.Headers.CacheControl = cacheControl;
        }

        if (ttl is not null)
        {
            context.Request.Headers[CacheDirectives.TtlHeader] = ttl;
        }

        return context.Request;
    }

    [Fact]
    public void Parse_TenantByName_UsesTenantDefaultTtl()
    {
        var directives = CacheDirectives.Parse(Request(), Options(), Acme, out var error);

        Assert.Null(error);
        Assert.Equal(TimeSpan.FromMinutes(5), directives.Ttl);
        Assert.True(directives.Lookup);
        Assert.True(directives.Store);
    }

    [Fact]
    public void Parse_TenantByIdDisabled_NeitherLooksUpNorStores()
    {
        var directives = CacheDirectives.Parse(Request(), Options(), Other, out _);

        Assert.False(directives.Lookup);
        Assert.False(directives.Store);
    }

    [Fact]
    public void Parse_TenantWithoutEntry_UsesServiceDefaults()
    {
        var stranger = new ApiKeyIdentity(Guid.NewGuid(), "stranger", Guid.NewGuid(), "key");

        var directives = CacheDirectives.Parse(Request(), Options(), stranger, out _);

        Assert.Equal(TimeSpan.FromHours(24), directives.Ttl);
    }

    [Theory]
    [InlineData("no-cache", false, true)]
    [InlineData("no-store", true, false)]
    [InlineData("no-cache, no-store", false, false)]
    public void Parse_CacheControl_SkipsLookupOrStore(string header, bool lookup, bool store)
    {
        var directives = CacheDirectives.Parse(Request(cacheControl: header), Options(), Acme, out _);

        Assert.Equal(lookup, directives.Lookup);
        Assert.Equal(store, directives.Store);
    }

    [Fact]
    public void Parse_TtlHeader_OverridesTenantDefault()
    {
        var directives = CacheDirectives.Parse(Request(ttl: "60"), Options(), Acme, out _);

        Assert.Equal(TimeSpan.FromSeconds(60), directives.Ttl);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("soon")]
    [InlineData("99999999")]
    public void Parse_InvalidTtlHeader_ReportsError(string ttl)
    {
        CacheDirectives.Parse(Request(ttl: ttl), Options(), Acme, out var error);

        Assert.NotNull(error);
        Assert.Contains(CacheDirectives.TtlHeader, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_JobOfDisabledTenant_DoesNotCache()
    {
        var directives = CacheDirectives.Default(Options(), Other);

        Assert.False(directives.Lookup);
        Assert.False(directives.Store);
    }

    [Theory]
    [InlineData(0.2)]
    [InlineData(1.5)]
    public void Validate_SemanticThresholdOutOfRange_NamesKey(double threshold)
    {
        var options = new CompletionOptions { Upstream = { BaseUrl = new Uri("http://upstream/v1") } };
        options.Cache.Tenants["acme"] = new TenantCacheOptions { SemanticThreshold = threshold };

        var result = new ValidateCompletionOptions().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Completion:Cache:Tenants:acme:SemanticThreshold", result.FailureMessage, StringComparison.Ordinal);
    }
}
