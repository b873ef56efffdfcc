namespace AspireAi.Ingest.Tests;

public sealed class ApiKeyLocatorTests
{
    [Fact]
    public void Find_EnvironmentValue_WinsOverFile()
    {
        using var folder = new TemporaryFolder();
        folder.Write(".aspireai/dev-api-key", "from-file");

        var key = ApiKeyLocator.Find("  from-env  ", folder.Path);

        Assert.Equal(new ApiKey("from-env", ApiKeyLocator.EnvironmentVariable), key);
    }

    [Fact]
    public void Find_KeyFileInParent_IsFound()
    {
        using var folder = new TemporaryFolder();
        var keyPath = folder.Write(".aspireai/dev-api-key", "from-file\n");
        var nested = Path.Combine(folder.Path, "a", "b");
        Directory.CreateDirectory(nested);

        var key = ApiKeyLocator.Find(null, nested);

        Assert.Equal(new ApiKey("from-file", keyPath), key);
    }

    [Fact]
    public void Find_EmptyKeyFile_IsIgnored()
    {
        using var folder = new TemporaryFolder();
        folder.Write("inner/.aspireai/dev-api-key", "  \n");
        var keyPath = folder.Write(".aspireai/dev-api-key", "outer");

        var key = ApiKeyLocator.Find(" ", Path.Combine(folder.Path, "inner"));

        Assert.Equal(new ApiKey("outer", keyPath), key);
    }

    [Fact]
    public void MissingKeyMessage_NamesBothSources()
    {
        var message = ApiKeyLocator.MissingKeyMessage("/work");

        Assert.Contains(ApiKeyLocator.EnvironmentVariable, message, StringComparison.Ordinal);
        Assert.Contains(ApiKeyLocator.KeyFileRelativePath, message, StringComparison.Ordinal);
        Assert.Contains("/work", message, StringComparison.Ordinal);
    }
}
