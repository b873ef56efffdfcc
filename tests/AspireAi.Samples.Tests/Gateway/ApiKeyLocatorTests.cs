using AspireAi.Samples.DocsQa.Gateway;

namespace AspireAi.Samples.Tests.Gateway;

public sealed class ApiKeyLocatorTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "docsqa-key-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Find_EnvironmentValueSet_WinsOverFile()
    {
        WriteKeyFile(_root, "aai_from_file");

        var key = ApiKeyLocator.Find("  aai_from_environment ", _root);

        Assert.NotNull(key);
        Assert.Equal("aai_from_environment", key.Key);
        Assert.Equal(ApiKeyLocator.EnvironmentVariable, key.Source);
    }

    [Fact]
    public void Find_FileInParentFolder_ReadsIt()
    {
        var path = WriteKeyFile(_root, "aai_from_file\n");
        var start = Directory.CreateDirectory(Path.Combine(_root, "samples", "DocsQa")).FullName;

        var key = ApiKeyLocator.Find(null, start);

        Assert.NotNull(key);
        Assert.Equal("aai_from_file", key.Key);
        Assert.Equal(path, key.Source);
    }

    [Fact]
    public void Find_NoKeyAnywhere_ReturnsNull()
    {
        var start = Directory.CreateDirectory(Path.Combine(_root, "empty")).FullName;

        var key = ApiKeyLocator.Find(string.Empty, start);

        // NOTE: the walk continues above the temporary folder, so this fails if the machine has a
        // .aspireai/dev-api-key file in the temporary folder or one of its parents.
        Assert.Null(key);
    }

    [Fact]
    public void MissingKeyMessage_NamesBothSources()
    {
        var message = ApiKeyLocator.MissingKeyMessage("/some/folder");

        Assert.Contains("ASPIREAI_API_KEY", message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(".aspireai", "dev-api-key"), message, StringComparison.Ordinal);
        Assert.Contains("/some/folder", message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static string WriteKeyFile(string directory, string key)
    {
        var path = Path.Combine(directory, ".aspireai", "dev-api-key");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, key);
        return path;
    }
}
