using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace AspireAi.ProviderEmulator;

/// <summary>
/// A pseudo-random sequence seeded from a SHA-256 hash of text parts, so the same parts give the
/// same sequence on every machine and .NET version, which <see cref="Random"/> does not promise.
/// </summary>
/// <remarks>The generator is SplitMix64; it is for test data, never for security.</remarks>
internal sealed class DeterministicRandom
{
    private ulong _state;

    private DeterministicRandom(ulong seed) => _state = seed;

    /// <summary>Creates a sequence from the hash of the parts; each part is length-prefixed, so ("ab", "c") and ("a", "bc") differ.</summary>
    public static DeterministicRandom FromParts(params ReadOnlySpan<string?> parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[sizeof(int)];
        foreach (var part in parts)
        {
            var bytes = part is null ? [] : Encoding.UTF8.GetBytes(part);
            // A null part hashes as length -1 so that it differs from an empty string.
            BinaryPrimitives.WriteInt32LittleEndian(length, part is null ? -1 : bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        hash.GetHashAndReset(digest);
        return new DeterministicRandom(BinaryPrimitives.ReadUInt64LittleEndian(digest));
    }

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15UL;
        var z = _state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Returns an integer in [0, <paramref name="maxExclusive"/>).</summary>
    public int Next(int maxExclusive) => (int)(NextUInt64() % (ulong)maxExclusive);

    /// <summary>Returns a double in [-1, 1).</summary>
    public double NextSigned() => ((NextUInt64() >> 11) * (1.0 / (1UL << 53)) * 2.0) - 1.0;
}
