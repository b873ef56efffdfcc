using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace AspireAi.Billing.ApiKeys;

/// <summary>Makes API keys and derives what billing stores about them.</summary>
internal static class ApiKeyFormat
{
    /// <summary>The start of every generated key, so leaked keys are easy to recognise and scan for.</summary>
    public const string KeyPrefix = "aai_";

    private const int RandomByteCount = 32;
    private const int DisplayPrefixLength = 12;

    /// <summary>Generates a key: <c>aai_</c> followed by 32 random bytes in base64url (43 characters).</summary>
    public static string Generate() => KeyPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(RandomByteCount));

    /// <summary>Returns the SHA-256 hash of the key's UTF-8 bytes, the only form of a key that billing stores.</summary>
    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <summary>
    /// Returns the first characters of the key, stored so people can tell their keys apart: 12 for a generated
    /// key, and at most a third of a shorter configured key so the prefix never gives most of it away.
    /// </summary>
    public static string DisplayPrefix(string key) => key[..Math.Min(DisplayPrefixLength, key.Length / 3)];
}
