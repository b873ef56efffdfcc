namespace AspireAi.Ingest.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void Parse_FolderOnly_UsesDefaults()
    {
        var settings = CommandLine.Parse(["./My Docs/"], out var error);

        Assert.Null(error);
        Assert.NotNull(settings);
        Assert.Equal("./My Docs/", settings.Folder);
        Assert.Equal("My-Docs", settings.Collection);
        Assert.Equal(new Uri(CommandLine.DefaultGatewayUrl), settings.GatewayUrl);
        Assert.Equal(CommandLine.DefaultBatchSize, settings.BatchSize);
        Assert.Equal(CommandLine.DefaultMaxAttempts, settings.Retry.MaxAttempts);
        Assert.Equal(TimeSpan.FromSeconds(CommandLine.DefaultTimeoutSeconds), settings.Retry.RequestTimeout);
        Assert.False(settings.DryRun);
        Assert.False(settings.ShowHelp);
    }

    [Fact]
    public void Parse_EveryOption_IsApplied()
    {
        var settings = CommandLine.Parse(
            ["docs", "--collection=api-ref", "--gateway-url", "http://127.0.0.1:6000", "--batch-size", "16", "--max-attempts=2", "--timeout", "30", "--dry-run"],
            out var error);

        Assert.Null(error);
        Assert.Equal(("api-ref", 16, 2), (settings!.Collection, settings.BatchSize, settings.Retry.MaxAttempts));
        Assert.Equal(new Uri("http://127.0.0.1:6000"), settings.GatewayUrl);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.Retry.RequestTimeout);
        Assert.True(settings.DryRun);
    }

    [Theory]
    [InlineData(new string[0], "folder to ingest is missing")]
    [InlineData(new[] { "a", "b" }, "Only one folder")]
    [InlineData(new[] { "docs", "--batch-size", "0" }, "--batch-size is '0'")]
    [InlineData(new[] { "docs", "--batch-size", "257" }, "from 1 to 256")]
    [InlineData(new[] { "docs", "--max-attempts", "x" }, "--max-attempts is 'x'")]
    [InlineData(new[] { "docs", "--timeout", "-5" }, "--timeout is '-5'")]
    [InlineData(new[] { "docs", "--gateway-url", "localhost:5080" }, "absolute http or https address")]
    [InlineData(new[] { "docs", "--collection", "my docs" }, "--collection is 'my docs'")]
    [InlineData(new[] { "docs", "--collection" }, "needs a value")]
    [InlineData(new[] { "docs", "--verbose" }, "Unknown option '--verbose'")]
    public void Parse_InvalidArguments_ExplainsProblem(string[] args, string expected)
    {
        var settings = CommandLine.Parse(args, out var error);

        Assert.Null(settings);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Help_WinsOverOtherArguments()
    {
        var settings = CommandLine.Parse(["docs", "--help", "--verbose"], out var error);

        Assert.Null(error);
        Assert.True(settings!.ShowHelp);
    }

    [Theory]
    [InlineData("--collection")]
    [InlineData("--gateway-url")]
    [InlineData("--batch-size")]
    [InlineData("--max-attempts")]
    [InlineData("--timeout")]
    [InlineData("--dry-run")]
    [InlineData("--help")]
    [InlineData("ASPIREAI_API_KEY")]
    public void HelpText_Option_IsDocumented(string option)
    {
        Assert.Contains(option, CommandLine.HelpText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/data/api reference (v2)", "api-reference--v2")]
    [InlineData("/data/docs.v1/", "docs.v1")]
    [InlineData("/data/日本語", "docs")]
    public void DefaultCollectionName_FolderName_IsCleaned(string folder, string expected)
    {
        Assert.Equal(expected, CommandLine.DefaultCollectionName(folder));
    }
}
