using AspireAi.Ingest.Discovery;
using AspireAi.Ingest.Extraction;

namespace AspireAi.Ingest.Tests;

public sealed class DocumentExtractorTests
{
    private const string DocumentationXml = """
        <?xml version="1.0"?>
        <doc>
          <assembly><name>Contoso.Text</name></assembly>
          <members>
            <member name="T:Contoso.Text.Slugger">
              <summary>Turns titles into URL slugs.</summary>
            </member>
            <member name="M:Contoso.Text.Slugger.Slugify(System.String)">
              <summary>Creates a slug from <paramref name="title"/>.</summary>
              <param name="title">The title.</param>
              <returns>The slug, in lower case.</returns>
            </member>
            <member name="P:Contoso.Text.Slugger.Separator">
            </member>
          </members>
        </doc>
        """;

    [Fact]
    public void ExtractText_PlainText_OneDocument()
    {
        var result = DocumentExtractor.ExtractText("guides/retries.txt", "  Retry on 429.\r\nWait between attempts.\r\n", SourceFormat.Text);

        Assert.Null(result.SkipReason);
        var document = Assert.Single(result.Documents);
        Assert.Equal("guides/retries.txt", document.Id);
        Assert.Equal("Retry on 429.\nWait between attempts.", document.Text);
        Assert.Equal("guides/retries.txt", document.Metadata["source"]);
        Assert.Equal("text", document.Metadata["format"]);
        Assert.False(document.Metadata.ContainsKey("title"));
    }

    [Fact]
    public void ExtractText_Markdown_TakesFirstHeadingAsTitle()
    {
        const string Markdown = "```bash\n# not a heading\n```\n\n## Getting started ##\n\nText.\n# Later heading\n";

        var result = DocumentExtractor.ExtractText("start.md", Markdown, SourceFormat.Markdown);

        var document = Assert.Single(result.Documents);
        Assert.Equal("markdown", document.Metadata["format"]);
        Assert.Equal("Getting started", document.Metadata["title"]);
    }

    [Theory]
    [InlineData("#hashtag\nText", null)]
    [InlineData("####### seven marks\nText", null)]
    [InlineData("Text\n# Title", "Title")]
    public void FindMarkdownTitle_Variants_FindAtxHeadingsOnly(string markdown, string? expected)
    {
        Assert.Equal(expected, DocumentExtractor.FindMarkdownTitle(markdown));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \n\t\r\n ")]
    public void ExtractText_BlankFile_IsSkipped(string content)
    {
        var result = DocumentExtractor.ExtractText("blank.txt", content, SourceFormat.Text);

        Assert.Empty(result.Documents);
        Assert.Contains("empty", result.SkipReason, StringComparison.Ordinal);
    }

    [Fact]
    public void ExtractText_LongFile_SplitsIntoNumberedParts()
    {
        var line = new string('x', 999);
        var content = string.Join('\n', Enumerable.Repeat(line, 70));

        var result = DocumentExtractor.ExtractText("big.md", content, SourceFormat.Markdown);

        Assert.Equal(3, result.Documents.Count);
        Assert.Equal(["big.md#part-1", "big.md#part-2", "big.md#part-3"], result.Documents.Select(document => document.Id));
        Assert.Equal([1, 2, 3], result.Documents.Select(document => (int)document.Metadata["part"]));
        Assert.All(result.Documents, document => Assert.InRange(document.Text.Length, 1, DocumentExtractor.MaxTextLength));
        Assert.All(result.Documents, document => Assert.Equal("big.md", document.SourcePath));
        Assert.Equal(70, result.Documents.Sum(document => document.Text.Split('\n').Length));
    }

    [Fact]
    public void SplitIntoParts_NoLineBreaks_KeepsSurrogates()
    {
        var text = new string('a', 9) + "🚀" + new string('b', 9);

        var parts = DocumentExtractor.SplitIntoParts(text, 10);

        Assert.Equal(text, string.Concat(parts));
        Assert.All(parts, part => Assert.InRange(part.Length, 1, 10));
        Assert.DoesNotContain(parts, part => char.IsHighSurrogate(part[^1]));
    }

    [Fact]
    public void ExtractText_LongPath_IdFitsServiceLimit()
    {
        var path = string.Join('/', Enumerable.Repeat("folder-with-a-long-name", 8)) + "/file.txt";

        var result = DocumentExtractor.ExtractText(path, "text", SourceFormat.Text);

        var document = Assert.Single(result.Documents);
        Assert.Equal(128, document.Id.Length);
        Assert.Equal(path, document.Metadata["source"]);
    }

    [Fact]
    public void ExtractXmlDocumentation_Members_OneDocumentEach()
    {
        var result = DocumentExtractor.ExtractXmlDocumentation("ref/Contoso.Text.xml", DocumentationXml);

        Assert.Null(result.SkipReason);
        Assert.Equal(["T:Contoso.Text.Slugger", "M:Contoso.Text.Slugger.Slugify(System.String)"], result.Documents.Select(document => document.Id));
        var method = result.Documents[1];
        Assert.Contains("Creates a slug from title.", method.Text, StringComparison.Ordinal);
        Assert.Contains("Returns: The slug, in lower case.", method.Text, StringComparison.Ordinal);
        Assert.Equal("xml-doc", method.Metadata["format"]);
        Assert.Equal("method", method.Metadata["kind"]);
        Assert.Equal("Contoso.Text", method.Metadata["assembly"]);
        Assert.Equal("M:Contoso.Text.Slugger.Slugify(System.String)", method.Metadata["member"]);
        Assert.Equal("ref/Contoso.Text.xml", method.Metadata["source"]);
    }

    [Fact]
    public void ExtractXmlDocumentation_OtherXml_IsSkipped()
    {
        var result = DocumentExtractor.ExtractXmlDocumentation("build.xml", "<Project><member name=\"T:X\"><summary>x</summary></member></Project>");

        Assert.Empty(result.Documents);
        Assert.Contains("<Project>", result.SkipReason, StringComparison.Ordinal);
    }

    [Fact]
    public void ExtractXmlDocumentation_MalformedXml_IsSkipped()
    {
        var result = DocumentExtractor.ExtractXmlDocumentation("broken.xml", "<doc><members><member name=\"T:X\">");

        Assert.Empty(result.Documents);
        Assert.StartsWith("The file is not well-formed XML", result.SkipReason, StringComparison.Ordinal);
    }

    [Fact]
    public void ExtractXmlDocumentation_NoDocumentedMembers_IsSkipped()
    {
        var result = DocumentExtractor.ExtractXmlDocumentation("empty.xml", "<doc><members><member name=\"T:X\"></member></members></doc>");

        Assert.Empty(result.Documents);
        Assert.NotNull(result.SkipReason);
    }

    [Fact]
    public void Extract_FileOnDisk_ReadsByFormat()
    {
        using var folder = new TemporaryFolder();
        var path = folder.Write("api/Contoso.Text.xml", DocumentationXml);

        var result = DocumentExtractor.Extract(new SourceFile(path, "api/Contoso.Text.xml", SourceFormat.XmlDocumentation));

        Assert.Equal(2, result.Documents.Count);
    }
}
