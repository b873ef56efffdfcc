using System.Security.Cryptography;
using System.Text;

namespace AspireAi.Billing.Security;

/// <summary>Compares presented secrets with configured ones in constant time.</summary>
internal static class SecretComparer
{
    /// <summary>
    /// Returns true when <paramref name="presented"/> equals <paramref name="expected"/>. Both are hashed
    /// first so the comparison takes the same time whatever their lengths or first differing byte.
    /// </summary>
    public static bool AreEqual(string? presented, string expected)
    {
        if (string.IsNullOrEmpty(presented))
        {
            return false;
        }

        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var expectedHash = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        return CryptographicOperations.FixedTimeEquals(presentedHash, expectedHash);
    }

    /// <summary>Returns the token of an <c>Authorization: Bearer</c> header, or null when there is none.</summary>
    public static string? ReadBearerToken(HttpRequest request)
    {
        const string Scheme = "Bearer ";

        string? header = request.Headers.Authorization;
        if (header is null || !header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var token = header[Scheme.Length..].Trim();
        return token.Length == 0 ? null : token;
    }
}
