namespace AspireAi.Ingest;

/// <summary>An API key and the place it was read from; the key itself is never printed.</summary>
/// <param name="Key">The key.</param>
/// <param name="Source">The environment variable or file that contains it.</param>
internal sealed record ApiKey(string Key, string Source);

/// <summary>Finds the gateway API key: <c>ASPIREAI_API_KEY</c>, else the development key file that the AppHost writes.</summary>
internal static class ApiKeyLocator
{
    /// <summary>The environment variable that contains the key.</summary>
    public const string EnvironmentVariable = "ASPIREAI_API_KEY";

    /// <summary>The key file's path relative to the repository root.</summary>
    public static readonly string KeyFileRelativePath = Path.Combine(".aspireai", "dev-api-key");

    /// <summary>
    /// Returns <paramref name="environmentValue"/> when it is set, otherwise the content of the first
    /// <c>.aspireai/dev-api-key</c> file in <paramref name="startDirectory"/> or a folder above it.
    /// </summary>
    /// <returns>The key, or <see langword="null"/> when neither source has one.</returns>
    public static ApiKey? Find(string? environmentValue, string startDirectory)
    {
        if (!string.IsNullOrWhiteSpace(environmentValue))
        {
            return new ApiKey(environmentValue.Trim(), EnvironmentVariable);
        }

        for (var directory = new DirectoryInfo(startDirectory); directory is not null; directory = directory.Parent)
        {
            var path = Path.Combine(directory.FullName, KeyFileRelativePath);
            if (File.Exists(path) && File.ReadAllText(path).Trim() is { Length: > 0 } key)
            {
                return new ApiKey(key, path);
            }
        }

        return null;
    }

    /// <summary>Creates the error message for a key that was found nowhere.</summary>
    public static string MissingKeyMessage(string startDirectory) =>
        $"No API key was found: {EnvironmentVariable} is not set, and there is no {KeyFileRelativePath} file in {startDirectory} or a folder above it. "
        + $"Set {EnvironmentVariable}, or start the AppHost once in Development ('dotnet run --project AppHost' in the repository root writes the file).";
}
