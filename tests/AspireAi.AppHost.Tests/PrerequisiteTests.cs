using AspireAi.AppHost.Hosting;

namespace AspireAi.AppHost.Tests;

public class PrerequisiteTests
{
    [Fact]
    public void AddLocalPostgres_BinDirectoryWithoutInitdb_ThrowsWithInstallHint()
    {
        var builder = DistributedApplication.CreateBuilder();
        var emptyDirectory = Directory.CreateTempSubdirectory("aspireai-no-postgres").FullName;

        var exception = Assert.Throws<PrerequisiteMissingException>(() =>
            builder.AddLocalPostgres("postgres", Path.Combine(emptyDirectory, "data"), emptyDirectory));

        Assert.Contains(emptyDirectory, exception.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install postgresql", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LocalMode_QdrantPathMissing_ThrowsNamingSetting()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-qdrant-{Guid.NewGuid():N}");
        var builder = DistributedApplication.CreateBuilder(["AspireAi:UseContainers=false", $"AspireAi:Local:QdrantPath={missing}", $"AspireAi:Local:DataDirectory={Path.GetTempPath()}aspireai-{Guid.NewGuid():N}"]);

        var exception = Assert.Throws<PrerequisiteMissingException>(() => AspireAiModel.Add(builder));

        Assert.Contains("AspireAi:Local:QdrantPath", exception.Message, StringComparison.Ordinal);
    }
}
