using AspireAi.Samples.DocsQa.Documentation;

namespace AspireAi.Samples.Tests.Documentation;

public sealed class DocumentSelectionTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "docsqa-selection-" + Guid.NewGuid().ToString("N"));

    public DocumentSelectionTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public void Read_RepeatedMember_KeepsFirst()
    {
        WriteFile("First", "T:Shared", "T:OnlyFirst");
        WriteFile("Second", "T:Shared", "T:OnlySecond");

        var selection = DocumentSelection.Read(new ReferencePack(_directory, "10.0.0"), ["First", "Second"], maxDocuments: null);

        Assert.Equal(["T:Shared", "T:OnlyFirst", "T:OnlySecond"], selection.Documents.Select(document => document.Id));
        Assert.Equal("First", selection.Documents[0].Assembly);
        Assert.Equal(1, selection.DuplicatesSkipped);
        Assert.False(selection.CapReached);
    }

    [Fact]
    public void Read_Cap_StopsInFileOrder()
    {
        WriteFile("First", "T:A", "T:B");
        WriteFile("Second", "T:C", "T:D");

        var selection = DocumentSelection.Read(new ReferencePack(_directory, "10.0.0"), ["Second", "First"], maxDocuments: 3);

        Assert.Equal(["T:C", "T:D", "T:A"], selection.Documents.Select(document => document.Id));
        Assert.True(selection.CapReached);
    }

    [Fact]
    public void DefaultCollectionName_DifferentSelections_DifferentNames()
    {
        var pack = new ReferencePack(_directory, "10.0.12");

        var all = DocumentSelection.DefaultCollectionName(pack, ["System.Linq"], maxDocuments: null);
        var capped = DocumentSelection.DefaultCollectionName(pack, ["System.Linq"], maxDocuments: 10);
        var again = DocumentSelection.DefaultCollectionName(pack, ["System.Linq"], maxDocuments: null);

        Assert.NotEqual(all, capped);
        Assert.Equal(all, again);
        Assert.Matches("^dotnet-api-10\\.0\\.12-[0-9a-f]{8}$", all);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private void WriteFile(string assembly, params string[] members)
    {
        var entries = string.Concat(members.Select(member => $"<member name=\"{member}\"><summary>Docs of {member}.</summary></member>"));
        File.WriteAllText(Path.Combine(_directory, assembly + ".xml"), $"<doc><assembly><name>{assembly}</name></assembly><members>{entries}</members></doc>");
    }
}
