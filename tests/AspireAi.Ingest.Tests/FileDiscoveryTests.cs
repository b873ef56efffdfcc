using AspireAi.Ingest.Discovery;

namespace AspireAi.Ingest.Tests;

public sealed class FileDiscoveryTests
{
    [Fact]
    public void Find_MixedFolder_ReturnsSupportedFiles()
    {
        using var folder = new TemporaryFolder();
        folder.Write("b.md", "# B");
        folder.Write("a.txt", "a");
        folder.Write("sub/c.XML", "<doc/>");
        folder.Write("sub/deeper/d.Md", "d");
        folder.Write("image.png", "not text");
        folder.Write("notes.txt.bak", "old");
        folder.Write("README", "no extension");

        var files = FileDiscovery.Find(folder.Path);

        Assert.Equal(["a.txt", "b.md", "sub/c.XML", "sub/deeper/d.Md"], files.Select(file => file.RelativePath));
        Assert.Equal(
            [SourceFormat.Text, SourceFormat.Markdown, SourceFormat.XmlDocumentation, SourceFormat.Markdown],
            files.Select(file => file.Format));
        Assert.All(files, file => Assert.True(File.Exists(file.FullPath), file.FullPath));
    }

    [Fact]
    public void Find_DotNames_AreSkipped()
    {
        using var folder = new TemporaryFolder();
        folder.Write(".git/HEAD.txt", "ref");
        folder.Write("docs/.draft.md", "draft");
        folder.Write("docs/kept.md", "kept");

        var files = FileDiscovery.Find(folder.Path);

        Assert.Equal(["docs/kept.md"], files.Select(file => file.RelativePath));
    }

    [Fact]
    public void Find_EmptyFolder_ReturnsNothing()
    {
        using var folder = new TemporaryFolder();

        var files = FileDiscovery.Find(folder.Path);

        Assert.Empty(files);
    }

    [Fact]
    public void Find_MissingFolder_ThrowsWithPath()
    {
        using var folder = new TemporaryFolder();
        var missing = Path.Combine(folder.Path, "missing");

        var exception = Assert.Throws<DirectoryNotFoundException>(() => FileDiscovery.Find(missing));

        Assert.Contains(missing, exception.Message, StringComparison.Ordinal);
    }
}
