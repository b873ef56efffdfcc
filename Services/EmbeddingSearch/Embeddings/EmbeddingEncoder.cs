using System.Buffers.Binary;

namespace AspireAi.EmbeddingSearch.Embeddings;

/// <summary>Writes vectors in the encodings of the OpenAI embeddings API.</summary>
public static class EmbeddingEncoder
{
    /// <summary>Encodes a vector as base64 of its little-endian float32 bytes, the format the OpenAI SDKs decode.</summary>
    /// <param name="vector">The vector.</param>
    /// <returns>The base64 string.</returns>
    public static string ToBase64(ReadOnlySpan<float> vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        }

        return Convert.ToBase64String(bytes);
    }

    /// <summary>Returns the vector in the requested encoding: the array itself or its base64 string.</summary>
    /// <param name="vector">The vector.</param>
    /// <param name="encoding">The requested encoding.</param>
    /// <returns>A <see cref="T:float[]"/> or a <see cref="string"/>.</returns>
    public static object Encode(float[] vector, EmbeddingEncoding encoding) =>
        encoding == EmbeddingEncoding.Base64 ? ToBase64(vector) : vector;
}
