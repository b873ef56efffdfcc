using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AspireAi.EmbeddingSearch.Storage.Qdrant;

/// <summary>
/// Deterministic Qdrant point ids: a name-based UUID version 5 (SHA-1, RFC 9562 section 5.5) of the
/// tenant, the collection, the document id and the chunk index, so upserting a document again
/// overwrites its points instead of adding copies.
/// </summary>
public static class PointIds
{
    /// <summary>The namespace UUID of AspireAi point ids; changing it would orphan every stored point.</summary>
    public static readonly Guid Namespace = Guid.Parse("6f1d4c1e-8a53-4f0e-9b1a-2c7d3e5f9a41", CultureInfo.InvariantCulture);

    /// <summary>Returns the point id of one chunk of a document.</summary>
    /// <param name="tenantId">The tenant that owns the collection.</param>
    /// <param name="collection">The AspireAi collection name.</param>
    /// <param name="documentId">The document id.</param>
    /// <param name="chunkIndex">The position of the chunk in the document, from 0.</param>
    /// <returns>A version 5 UUID.</returns>
    public static Guid For(Guid tenantId, string collection, string documentId, int chunkIndex)
    {
        // The lengths keep the parts apart, so ("a/b", "c") and ("a", "b/c") never share a name.
        var name = string.Create(
            CultureInfo.InvariantCulture,
            $"{tenantId:N}/{collection.Length}:{collection}/{documentId.Length}:{documentId}/{chunkIndex}");
        return Version5(Namespace, name);
    }

    /// <summary>Computes a version 5 UUID of <paramref name="name"/> in <paramref name="namespaceId"/>.</summary>
    public static Guid Version5(Guid namespaceId, string name)
    {
        ArgumentNullException.ThrowIfNull(name);

        var nameBytes = Encoding.UTF8.GetBytes(name);
        var input = new byte[16 + nameBytes.Length];
        namespaceId.TryWriteBytes(input, bigEndian: true, out _);
        nameBytes.CopyTo(input, 16);

        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);

        // The first 16 bytes of the hash, with the version in the high nibble of byte 6 and the
        // RFC variant (binary 10) in the top bits of byte 8.
        Span<byte> uuid = hash[..16];
        uuid[6] = (byte)((uuid[6] & 0x0F) | 0x50);
        uuid[8] = (byte)((uuid[8] & 0x3F) | 0x80);
        return new Guid(uuid, bigEndian: true);
    }
}
