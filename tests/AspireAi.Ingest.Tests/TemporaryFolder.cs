namespace AspireAi.Ingest.Tests;

/// <summary>A folder under the system temporary path that is deleted with its content on dispose.</summary>
internal sealed class TemporaryFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("aspireai-ingest-").FullName;

    /// <summary>Writes <paramref name="content"/> to <paramref name="relativePath"/> ('/' separators), creating folders as needed.</summary>
    public string Write(string relativePath, string content)
    {
        var fullPath = System.IO.Path.Combine(Path, relativePath.Replace('/', System.IO.Path.DirectorySeparatorChar));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(fullPath)!);
        File.WriteAllText(fullPath, content);
        return fullPath;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
