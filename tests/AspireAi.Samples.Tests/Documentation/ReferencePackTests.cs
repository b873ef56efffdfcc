using AspireAi.Samples.DocsQa.Documentation;

namespace AspireAi.Samples.Tests.Documentation;

public sealed class ReferencePackTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "docsqa-pack-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Find_SeveralVersions_ReturnsHighestTenRelease()
    {
        CreatePack("9.0.8");
        CreatePack("10.0.2");
        CreatePack("10.0.12");
        CreatePack("10.0.12-rc.1.25451.107");
        CreatePack("11.0.0");

        var pack = ReferencePack.Find(_root);

        Assert.NotNull(pack);
        Assert.Equal("10.0.12", pack.Version);
        Assert.Equal(Path.Combine(_root, "packs", "Microsoft.NETCore.App.Ref", "10.0.12", "ref", "net10.0"), pack.Directory);
    }

    [Fact]
    public void Find_PackWithoutNet10Folder_IsIgnored()
    {
        CreatePack("10.0.1");
        Directory.CreateDirectory(Path.Combine(_root, "packs", "Microsoft.NETCore.App.Ref", "10.0.5"));

        var pack = ReferencePack.Find(_root);

        Assert.NotNull(pack);
        Assert.Equal("10.0.1", pack.Version);
    }

    [Fact]
    public void Find_NoPacks_ReturnsNull()
    {
        Directory.CreateDirectory(_root);

        var pack = ReferencePack.Find(_root);

        Assert.Null(pack);
    }

    [Fact]
    public void ListAssemblies_XmlFiles_OrdinalOrder()
    {
        var directory = CreatePack("10.0.3");
        File.WriteAllText(Path.Combine(directory, "System.Runtime.xml"), "<doc />");
        File.WriteAllText(Path.Combine(directory, "Microsoft.CSharp.xml"), "<doc />");
        File.WriteAllText(Path.Combine(directory, "System.Runtime.dll"), string.Empty);

        var assemblies = ReferencePack.Find(_root)!.ListAssemblies();

        Assert.Equal(["Microsoft.CSharp", "System.Runtime"], assemblies);
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private string CreatePack(string version)
    {
        var directory = Path.Combine(_root, "packs", "Microsoft.NETCore.App.Ref", version, "ref", "net10.0");
        Directory.CreateDirectory(directory);
        return directory;
    }
}
