using System.Runtime.InteropServices;

namespace AspireAi.Samples.DocsQa.Documentation;

/// <summary>
/// The folder of XML documentation files in the .NET SDK's reference pack,
/// <c>&lt;dotnet root&gt;/packs/Microsoft.NETCore.App.Ref/&lt;version&gt;/ref/net10.0</c>.
/// </summary>
/// <param name="Directory">The folder that contains the <c>*.xml</c> files.</param>
/// <param name="Version">The reference pack version, for example 10.0.12.</param>
public sealed record ReferencePack(string Directory, string Version)
{
    /// <summary>The target framework folder inside the pack.</summary>
    public const string TargetFramework = "net10.0";

    /// <summary>The major version of the packs that are considered.</summary>
    public const int MajorVersion = 10;

    /// <summary>
    /// Finds the dotnet root: <c>DOTNET_ROOT</c> when it is set, otherwise the root of the runtime that
    /// runs this program (three folders above <c>shared/Microsoft.NETCore.App/&lt;version&gt;</c>).
    /// </summary>
    /// <returns>The folder, or <see langword="null"/> when neither exists.</returns>
    public static string? FindDotnetRoot()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrWhiteSpace(fromEnvironment) && System.IO.Directory.Exists(fromEnvironment))
        {
            return fromEnvironment;
        }

        var runtimeDirectory = new DirectoryInfo(RuntimeEnvironment.GetRuntimeDirectory());
        var root = runtimeDirectory.Parent?.Parent?.Parent;
        return root is not null && System.IO.Directory.Exists(Path.Combine(root.FullName, "packs")) ? root.FullName : null;
    }

    /// <summary>Finds the highest 10.x reference pack under <paramref name="dotnetRoot"/> that has a net10.0 folder.</summary>
    /// <param name="dotnetRoot">The dotnet root.</param>
    /// <returns>The pack, or <see langword="null"/> when there is none.</returns>
    public static ReferencePack? Find(string dotnetRoot)
    {
        ArgumentException.ThrowIfNullOrEmpty(dotnetRoot);

        var packsDirectory = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref");
        if (!System.IO.Directory.Exists(packsDirectory))
        {
            return null;
        }

        return System.IO.Directory.EnumerateDirectories(packsDirectory)
            .Select(path => (Path: path, Version: ParseVersion(Path.GetFileName(path))))
            .Where(candidate => candidate.Version is { Number.Major: MajorVersion })
            .Where(candidate => System.IO.Directory.Exists(Path.Combine(candidate.Path, "ref", TargetFramework)))
            .OrderByDescending(candidate => candidate.Version!.Value.Number)
            .ThenByDescending(candidate => candidate.Version!.Value.IsRelease)
            .ThenByDescending(candidate => Path.GetFileName(candidate.Path), StringComparer.Ordinal)
            .Select(candidate => new ReferencePack(Path.Combine(candidate.Path, "ref", TargetFramework), Path.GetFileName(candidate.Path)))
            .FirstOrDefault();
    }

    /// <summary>Lists the assembly names that have a documentation file, in ordinal order.</summary>
    /// <returns>Names such as <c>System.Runtime</c>.</returns>
    public IReadOnlyList<string> ListAssemblies() =>
        System.IO.Directory.EnumerateFiles(Directory, "*.xml")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Returns the path of an assembly's documentation file, whether or not it exists.</summary>
    /// <param name="assembly">The assembly name, for example <c>System.Runtime</c>.</param>
    /// <returns>The file path.</returns>
    public string GetFilePath(string assembly) => Path.Combine(Directory, assembly + ".xml");

    // A release (10.0.12) sorts above its previews (10.0.0-rc.2.25502.107) with the same number.
    private static (System.Version Number, bool IsRelease)? ParseVersion(string folderName)
    {
        var dash = folderName.IndexOf('-', StringComparison.Ordinal);
        var numberText = dash < 0 ? folderName : folderName[..dash];
        return System.Version.TryParse(numberText, out var number) ? (number, dash < 0) : null;
    }
}
