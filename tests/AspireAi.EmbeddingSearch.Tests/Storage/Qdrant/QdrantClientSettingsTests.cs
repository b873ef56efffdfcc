using AspireAi.EmbeddingSearch.Storage.Qdrant;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace AspireAi.EmbeddingSearch.Tests.Storage.Qdrant;

public sealed class QdrantClientSettingsTests
{
    [Fact]
    public void ReadSettings_EverySource_AppliesInAspireOrder()
    {
        var configuration = Build(new()
        {
            ["Aspire:Qdrant:Client:Endpoint"] = "http://shared:6334",
            ["Aspire:Qdrant:Client:Key"] = "shared-key",
            ["Aspire:Qdrant:Client:Timeout"] = "00:00:05",
            ["Aspire:Qdrant:Client:qdrant:Key"] = "named-key",
            ["ConnectionStrings:qdrant"] = "Endpoint=http://from-connection-string:6334",
        });

        var settings = QdrantClientExtensions.ReadSettings(configuration, "qdrant", configure => configure.DisableHealthChecks = true);

        Assert.Equal(new Uri("http://from-connection-string:6334"), settings.Endpoint);
        Assert.Equal("named-key", settings.Key);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.Timeout);
        Assert.True(settings.DisableHealthChecks);
    }

    [Fact]
    public void ReadSettings_Delegate_OverridesConnectionString()
    {
        var configuration = Build(new() { ["ConnectionStrings:qdrant"] = "Endpoint=http://a:6334;Key=k1" });

        var settings = QdrantClientExtensions.ReadSettings(configuration, "qdrant", configure => configure.Key = "k2");

        Assert.Equal(new Uri("http://a:6334"), settings.Endpoint);
        Assert.Equal("k2", settings.Key);
    }

    [Theory]
    [InlineData("Endpoint=http://localhost:6334;Key=secret", "http://localhost:6334/", "secret")]
    [InlineData("endpoint=http://localhost:6334; key=secret", "http://localhost:6334/", "secret")]
    [InlineData("http://localhost:6334", "http://localhost:6334/", null)]
    public void ParseConnectionString_KnownForms_ReadEndpointAndKey(string connectionString, string endpoint, string? key)
    {
        var settings = new QdrantClientSettings();

        settings.ParseConnectionString(connectionString);

        Assert.Equal(endpoint, settings.Endpoint!.ToString());
        Assert.Equal(key, settings.Key);
    }

    [Fact]
    public void ParseConnectionString_RelativeEndpoint_Throws()
    {
        var settings = new QdrantClientSettings();

        var exception = Assert.Throws<FormatException>(() => settings.ParseConnectionString("Endpoint=localhost-secret;Key=k"));

        Assert.DoesNotContain("localhost-secret", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddQdrantClient_NoEndpoint_Throws()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });

        var exception = Assert.Throws<InvalidOperationException>(() => builder.AddQdrantClient("qdrant"));

        Assert.Contains("ConnectionStrings:qdrant", exception.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Build(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
