using System.Security.Cryptography;

namespace AspireAi.AppHost.Hosting;

/// <summary>The development API key that the AppHost seeds into billing and writes to a git-ignored file.</summary>
public static class DevelopmentApiKey
{
    /// <summary>The prefix of every AspireAi API key.</summary>
    public const string KeyPrefix = "aai_";

    /// <summary>Reads the key from <paramref name="path"/>, creating the file with a new key on first use.</summary>
    /// <param name="path">The key file.</param>
    /// <returns>The plaintext key.</returns>
    public static string ReadOrCreate(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);

        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).Trim();
            if (existing.StartsWith(KeyPrefix, StringComparison.Ordinal))
            {
                return existing;
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = KeyPrefix + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        File.WriteAllText(path, key + Environment.NewLine);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return key;
    }

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
