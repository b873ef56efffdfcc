using AspireAi.Samples.DocsQa.Documentation;

namespace AspireAi.Samples.Tests.Documentation;

/// <summary>Reads the documentation files of the .NET SDK that runs the tests.</summary>
public sealed class SdkDocumentationTests
{
    [Fact]
    public void ExtractFile_SystemIoCompression_FindsGZipStream()
    {
        var pack = FindPack();

        var documents = XmlDocumentationExtractor.ExtractFile(pack.GetFilePath("System.IO.Compression")).ToList();

        var gzip = Assert.Single(documents, document => document.MemberName == "T:System.IO.Compression.GZipStream");
        Assert.Equal("type", gzip.Kind);
        Assert.Equal("System.IO.Compression", gzip.Assembly);
        Assert.StartsWith("Type System.IO.Compression.GZipStream\n", gzip.Text, StringComparison.Ordinal);
        Assert.Contains("GZip", gzip.Text, StringComparison.Ordinal);
        Assert.True(documents.Count > 100, $"Expected more than 100 documented members, found {documents.Count}.");
    }

    [Fact]
    public void ExtractFile_SystemRuntime_IdsUniqueAndStable()
    {
        var path = FindPack().GetFilePath("System.Runtime");

        var first = XmlDocumentationExtractor.ExtractFile(path).ToList();
        var second = XmlDocumentationExtractor.ExtractFile(path).ToList();

        Assert.All(first, document => Assert.InRange(document.Id.Length, 1, XmlDocumentationExtractor.MaxIdLength));
        Assert.Equal(first.Count, first.Select(document => document.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(first.Select(document => document.Id), second.Select(document => document.Id));
        Assert.Contains(first, document => document.Id.Contains('~', StringComparison.Ordinal));
    }

    [Fact]
    public void ExtractFile_SystemRuntime_TextHasNoMarkup()
    {
        var path = FindPack().GetFilePath("System.Runtime");

        var documents = XmlDocumentationExtractor.ExtractFile(path).ToList();

        Assert.DoesNotContain(documents, document => document.Text.Contains("cref=", StringComparison.Ordinal));
        Assert.DoesNotContain(documents, document => document.Text.Contains("<see", StringComparison.Ordinal));
        Assert.DoesNotContain(documents, document => document.Text.Contains("<paramref", StringComparison.Ordinal));
        Assert.All(documents, document => Assert.InRange(document.Text.Length, 1, XmlDocumentationExtractor.MaxTextLength));
        var parse = Assert.Single(documents, document => document.MemberName == "M:System.DateTime.Parse(System.String)");
        Assert.Contains("Parameter s: ", parse.Text, StringComparison.Ordinal);
    }

    private static ReferencePack FindPack()
    {
        var root = ReferencePack.FindDotnetRoot();
        Assert.NotNull(root);
        var pack = ReferencePack.Find(root);
        Assert.NotNull(pack);
        return pack;
    }
}
