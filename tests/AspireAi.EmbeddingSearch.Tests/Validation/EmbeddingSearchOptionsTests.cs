namespace AspireAi.EmbeddingSearch.Tests.Validation;

public sealed class EmbeddingSearchOptionsTests
{
    private readonly ValidateEmbeddingSearchOptions _validator = new();

    [Fact]
    public void Validate_Defaults_Succeed()
    {
        var options = new EmbeddingSearchOptions { Embedded = { DataDirectory = "/tmp/vectors" } };

        Assert.True(_validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_UnknownBackend_NamesTheKey()
    {
        var options = new EmbeddingSearchOptions { Backend = "Qdrant", Embedded = { DataDirectory = "/tmp/vectors" } };

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("EmbeddingSearch:Backend", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Qdrant", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_EmptyDataDirectory_NamesTheKey()
    {
        var options = new EmbeddingSearchOptions { Embedded = { DataDirectory = " " } };

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("EmbeddingSearch:Embedded:DataDirectory", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_InvalidModelSettings_NamesEveryKey()
    {
        var options = new EmbeddingSearchOptions
        {
            Embedded = { DataDirectory = "/tmp/vectors" },
            Model = { MaxConcurrentInferences = 0, IntraOpThreads = -1 },
        };

        var result = _validator.Validate(null, options);

        Assert.Equal(2, result.Failures!.Count());
        Assert.Contains("EmbeddingSearch:Model:MaxConcurrentInferences", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("EmbeddingSearch:Model:IntraOpThreads", result.FailureMessage, StringComparison.Ordinal);
    }
}
