namespace AspireAi.Ingest.Discovery;

/// <summary>The format of a file that the ingest command reads.</summary>
internal enum SourceFormat
{
    /// <summary>Plain text (.txt): one document per file.</summary>
    Text,

    /// <summary>Markdown (.md): one document per file, titled by its first heading.</summary>
    Markdown,

    /// <summary>A .NET XML documentation file (.xml): one document per documented member.</summary>
    XmlDocumentation,
}

/// <summary>A file found under the folder to ingest.</summary>
/// <param name="FullPath">The absolute path.</param>
/// <param name="RelativePath">The path under the folder, with '/' separators on every platform.</param>
/// <param name="Format">The format chosen by the file extension.</param>
internal sealed record SourceFile(string FullPath, string RelativePath, SourceFormat Format);

/// <summary>Finds the .txt, .md and .xml files under a folder.</summary>
internal static class FileDiscovery
{
    private static readonly Dictionary<string, SourceFormat> FormatsByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".txt"] = SourceFormat.Text,
        [".md"] = SourceFormat.Markdown,
        [".xml"] = SourceFormat.XmlDocumentation,
    };

    /// <summary>The file extensions that are ingested, in help-text order.</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".txt", ".md", ".xml"];

    /// <summary>
    /// Lists the files under <paramref name="root"/> and its subfolders whose extension is .txt, .md or
    /// .xml in any letter case, ordered by relative path so every run uploads in the same order.
    /// Folders and files whose names start with '.' (such as .git) are skipped.
    /// </summary>
    /// <param name="root">The folder to search.</param>
    /// <returns>The files found.</returns>
    /// <exception cref="DirectoryNotFoundException"><paramref name="root"/> does not exist.</exception>
    public static IReadOnlyList<SourceFile> Find(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);

        var rootPath = Path.GetFullPath(root);
        if (!Directory.Exists(rootPath))
        {
            throw new DirectoryNotFoundException($"The folder '{rootPath}' does not exist.");
        }

        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
            MatchCasing = MatchCasing.CaseInsensitive,
        };

        var files = new List<SourceFile>();
        foreach (var path in Directory.EnumerateFiles(rootPath, "*", options))
        {
            if (!FormatsByExtension.TryGetValue(Path.GetExtension(path), out var format))
            {
                continue;
            }

            var relativePath = Path.GetRelativePath(rootPath, path).Replace(Path.DirectorySeparatorChar, '/');

            // On Linux and macOS a dot name marks a hidden entry instead of the Hidden attribute.
            if (relativePath.Split('/').Any(segment => segment.StartsWith('.')))
            {
                continue;
            }

            files.Add(new SourceFile(path, relativePath, format));
        }

        files.Sort((left, right) => string.CompareOrdinal(left.RelativePath, right.RelativePath));
        return files;
    }
}
