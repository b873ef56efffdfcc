using AspireAi.AppHost.Hosting;
using Microsoft.Extensions.Configuration;

namespace AspireAi.AppHost.Tests;

public class AppHostSettingsTests
{
    private const string AppHostDirectory = "/repo/AppHost";

    private static AppHostSettings Read(bool isDevelopment, params (string Key, string? Value)[] values)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(value => new KeyValuePair<string, string?>(value.Key, value.Value)))
            .Build();
        return AppHostSettings.Read(configuration, AppHostDirectory, isDevelopment);
    }

    [Theory]
    [InlineData(null, ContainerUse.Auto)]
    [InlineData("auto", ContainerUse.Auto)]
    [InlineData("TRUE", ContainerUse.Always)]
    [InlineData("false", ContainerUse.Never)]
    public void Read_UseContainers_ParsesEachValue(string? value, ContainerUse expected)
    {
        var settings = Read(true, ("AspireAi:UseContainers", value));

        Assert.Equal(expected, settings.UseContainers);
    }

    [Fact]
    public void Read_InvalidValues_ReportsEveryKey()
    {
        var exception = Assert.Throws<InvalidOperationException>(() =>
            Read(true, ("AspireAi:UseContainers", "sometimes"), ("AspireAi:Gateway:Port", "99999"), ("AspireAi:Billing:Port", "http")));

        Assert.Contains("AspireAi:UseContainers", exception.Message, StringComparison.Ordinal);
        Assert.Contains("AspireAi:Gateway:Port", exception.Message, StringComparison.Ordinal);
        Assert.Contains("AspireAi:Billing:Port", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Defaults_KeepStateUnderRepositoryRoot()
    {
        var settings = Read(true);

        Assert.Equal(AppHostSettings.DefaultGatewayPort, settings.GatewayPort);
        Assert.Equal(AppHostSettings.DefaultBillingPort, settings.BillingPort);
        Assert.Equal("/repo/.aspireai/data", settings.DataDirectory);
        Assert.Equal("/repo/.aspireai/dev-api-key", settings.DevelopmentApiKeyFile);
    }

    [Fact]
    public void Read_OutsideDevelopment_DoesNotSeedKey()
    {
        var settings = Read(false);

        Assert.Null(settings.DevelopmentApiKeyFile);
    }

    [Fact]
    public void Read_RelativePaths_ResolvedAgainstAppHostDirectory()
    {
        var settings = Read(true, ("AspireAi:Local:DataDirectory", "../state"), ("AspireAi:Local:PostgresBinDirectory", "/opt/pg/bin"));

        Assert.Equal("/repo/state", settings.DataDirectory);
        Assert.Equal("/opt/pg/bin", settings.PostgresBinDirectory);
    }
}
