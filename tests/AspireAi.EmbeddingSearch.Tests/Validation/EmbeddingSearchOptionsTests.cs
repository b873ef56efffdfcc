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
        var options = new EmbeddingSearchOptions { Backend = "Milvus", Embedded = { DataDirectory = "/tmp/vectors" } };

        var result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("EmbeddingSearch:Backend", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Milvus", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Qdrant")]
    [InlineData("qdrant")]
    public void Validate_QdrantBackend_Succeeds(string backend)
    {
        var options = new EmbeddingSearchOptions { Backend = backend, Embedded = { DataDirectory = null } };

        Assert.True(_validator.Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_InvalidChunking_NamesEveryKey()
    {
        var options = new EmbeddingSearchOptions
        {
            Embedded = { DataDirectory = "/tmp/vectors" },
            Qdrant = { UpsertBatchSize = 0 },
            Chunking = { MaxTokens = 300, OverlapTokens = 300 },
        };

        var result = _validator.Validate(null, options);

        Assert.Equal(3, result.Failures!.Count());
        Assert.Contains("EmbeddingSearch:Qdrant:UpsertBatchSize", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("EmbeddingSearch:Chunking:MaxTokens", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("EmbeddingSearch:Chunking:OverlapTokens", result.FailureMessage, StringComparison.Ordinal);
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

    [Fact]
    public void Validate_InvalidHnswSettings_NamesEveryKey()
    {
        var options = new EmbeddingSearchOptions
        {
            Embedded =
            {
                DataDirectory = "/tmp/vectors",
                HnswThreshold = -1,
                HnswConnectivity = 1,
                HnswExpansionAdd = 0,
                HnswExpansionSearch = 5000,
            },
        };

        var result = _validator.Validate(null, options);

        Assert.Equal(4, result.Failures!.Count());
        Assert.Contains("EmbeddingSearch:Embedded:HnswThreshold", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("EmbeddingSearch:Embedded:HnswConnectivity", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("EmbeddingSearch:Embedded:HnswExpansionAdd", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("EmbeddingSearch:Embedded:HnswExpansionSearch", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HnswThresholdZero_Succeeds()
    {
        var options = new EmbeddingSearchOptions { Embedded = { DataDirectory = "/tmp/vectors", HnswThreshold = 0 } };

        var result = _validator.Validate(null, options);

        Assert.True(result.Succeeded);
    }
}
