namespace AspireAi.Samples.DocsQa.Gateway;

/// <summary>An API key and where it was found, for messages; the key itself is never printed.</summary>
/// <param name="Key">The key.</param>
/// <param name="Source">The environment variable or file that contained it.</param>
internal sealed record ApiKey(string Key, string Source);

/// <summary>Finds the API key: <c>ASPIREAI_API_KEY</c>, else the development key file that the AppHost writes.</summary>
internal static class ApiKeyLocator
{
    /// <summary>The environment variable that contains the key.</summary>
    public const string EnvironmentVariable = "ASPIREAI_API_KEY";

    /// <summary>The key file's path relative to the repository root.</summary>
    public static readonly string KeyFileRelativePath = Path.Combine(".aspireai", "dev-api-key");

    /// <summary>
    /// Returns the key from <paramref name="environmentValue"/> when it is set, otherwise from the first
    /// <c>.aspireai/dev-api-key</c> file in <paramref name="startDirectory"/> or one of its parents.
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
            if (!File.Exists(path))
            {
                continue;
            }

            var key = File.ReadAllText(path).Trim();
            if (key.Length > 0)
            {
                return new ApiKey(key, path);
            }
        }

        return null;
    }

    /// <summary>Builds the message for a missing key.</summary>
    public static string MissingKeyMessage(string startDirectory) =>
        $"No API key found: {EnvironmentVariable} is not set, and no {KeyFileRelativePath} file exists in {startDirectory} or any folder above it. "
        + $"Start the AppHost once in Development ('dotnet run --project AppHost' from the repository root writes that file), or set {EnvironmentVariable}.";
}
