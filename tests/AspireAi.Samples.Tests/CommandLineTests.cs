using AspireAi.Samples.DocsQa;

namespace AspireAi.Samples.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public void Parse_NoArguments_ReturnsDefaults()
    {
        var settings = CommandLine.Parse([], out var error);

        Assert.Null(error);
        Assert.NotNull(settings);
        Assert.Equal(new Uri("http://localhost:5080/"), settings.GatewayUrl);
        Assert.Equal("gpt-4o-mini", settings.Model);
        Assert.Null(settings.Collection);
        Assert.Null(settings.MaxDocuments);
        Assert.Equal(DocsQaSettings.DefaultAssemblies, settings.Assemblies);
        Assert.Equal(DocsQaSettings.DefaultQuestions, settings.Questions);
        Assert.False(settings.Reingest);
    }

    [Fact]
    public void Parse_EveryOption_SetsValues()
    {
        string[] args =
        [
            "--gateway-url", "http://127.0.0.1:6000/base", "--model=gpt-4o", "--collection", "my-docs",
            "--assemblies", "System.Linq, System.Runtime", "--max-documents", "100", "--batch-size=16",
            "--passages", "3", "--question", "First?", "--question=Second?", "--reingest", "--all-assemblies",
        ];

        var settings = CommandLine.Parse(args, out var error);

        Assert.Null(error);
        Assert.NotNull(settings);
        Assert.Equal(new Uri("http://127.0.0.1:6000/base/"), settings.GatewayUrl);
        Assert.Equal("gpt-4o", settings.Model);
        Assert.Equal("my-docs", settings.Collection);
        Assert.Equal(["System.Linq", "System.Runtime"], settings.Assemblies);
        Assert.Equal(100, settings.MaxDocuments);
        Assert.Equal(16, settings.BatchSize);
        Assert.Equal(3, settings.Passages);
        Assert.Equal(["First?", "Second?"], settings.Questions);
        Assert.True(settings.Reingest);
        Assert.True(settings.AllAssemblies);
    }

    [Theory]
    [InlineData("--batch-size", "0", "--batch-size is '0', but it must be a whole number from 1 to 256.")]
    [InlineData("--batch-size", "257", "--batch-size is '257', but it must be a whole number from 1 to 256.")]
    [InlineData("--passages", "many", "--passages is 'many', but it must be a whole number from 1 to 20.")]
    [InlineData("--max-documents", "-5", "--max-documents is '-5', but it must be a whole number from 1 to 2147483647.")]
    [InlineData("--collection", "bad name", "--collection 'bad name' contains ' '. Use only letters, digits, '-', '_' and '.'.")]
    [InlineData("--gateway-url", "localhost:5080", "--gateway-url 'localhost:5080' is not an absolute http or https address. Pass one such as http://localhost:5080/.")]
    public void Parse_InvalidValue_ReturnsErrorNamingOption(string option, string value, string expected)
    {
        var settings = CommandLine.Parse([option, value], out var error);

        Assert.Null(settings);
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Parse_UnknownOption_ReturnsError()
    {
        var settings = CommandLine.Parse(["--colection", "x"], out var error);

        Assert.Null(settings);
        Assert.Equal("Unknown option '--colection'. Run with --help to list the options.", error);
    }

    [Fact]
    public void Parse_OptionWithoutValue_ReturnsError()
    {
        var settings = CommandLine.Parse(["--model"], out var error);

        Assert.Null(settings);
        Assert.Equal("--model needs a value. Run with --help to see what it takes.", error);
    }

    [Fact]
    public void Parse_Help_SetsShowHelp()
    {
        var settings = CommandLine.Parse(["--max-documents", "5", "-h"], out var error);

        Assert.Null(error);
        Assert.NotNull(settings);
        Assert.True(settings.ShowHelp);
    }
}
