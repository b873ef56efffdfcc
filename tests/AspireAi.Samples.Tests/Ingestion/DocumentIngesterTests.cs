using AspireAi.Samples.DocsQa.Documentation;
using AspireAi.Samples.DocsQa.Ingestion;

namespace AspireAi.Samples.Tests.Ingestion;

public sealed class DocumentIngesterTests
{
    [Fact]
    public void Batch_SmallDocuments_SplitsByCount()
    {
        var documents = Enumerable.Range(0, 70).Select(index => Document(index, 10)).ToList();

        var batches = DocumentIngester.Batch(documents, 32).ToList();

        Assert.Equal([32, 32, 6], batches.Select(batch => batch.Count));
        Assert.Equal(documents, batches.SelectMany(batch => batch));
    }

    [Fact]
    public void Batch_LongDocuments_SplitsByCharacters()
    {
        var documents = Enumerable.Range(0, 100).Select(index => Document(index, XmlDocumentationExtractor.MaxTextLength)).ToList();

        var batches = DocumentIngester.Batch(documents, 256).ToList();

        Assert.All(batches, batch => Assert.InRange(batch.Sum(document => document.Text.Length), 1, 1_000_000));
        Assert.Equal(100, batches.Sum(batch => batch.Count));
        Assert.Equal([31, 31, 31, 7], batches.Select(batch => batch.Count));
    }

    [Fact]
    public void Batch_NoDocuments_ReturnsNoBatch()
    {
        var batches = DocumentIngester.Batch([], 32);

        Assert.Empty(batches);
    }

    private static ApiDocument Document(int index, int length) =>
        new($"T:Doc{index}", $"T:Doc{index}", "type", "Test", new string('x', length));
}
