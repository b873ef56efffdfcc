using System.Text;

namespace AspireAi.ProviderEmulator.Embeddings;

/// <summary>
/// Builds deterministic unit-length vectors from hashes of a text and of its words. Each word adds a
/// pseudo-random direction seeded by the model and the word, and the whole text adds one more, so
/// texts that share words point in similar directions while any two different texts still differ.
/// </summary>
/// <remarks>
/// A word's direction does not depend on the vector length, so a shorter vector is the renormalized
/// start of a longer one, as OpenAI's text-embedding-3 models shorten theirs.
/// </remarks>
internal sealed class EmbeddingGenerator
{
    public float[] Generate(string model, string text, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);

        var sum = new double[dimensions];
        AddDirection(sum, DeterministicRandom.FromParts("text", model, text), weight: 1);
        foreach (var (word, count) in CountWords(text))
        {
            AddDirection(sum, DeterministicRandom.FromParts("word", model, word), weight: count);
        }

        var length = Math.Sqrt(sum.Sum(component => component * component));
        var vector = new float[dimensions];
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] = (float)(sum[i] / length);
        }

        return vector;
    }

    private static void AddDirection(double[] sum, DeterministicRandom random, int weight)
    {
        for (var i = 0; i < sum.Length; i++)
        {
            sum[i] += weight * random.NextSigned();
        }
    }

    private static Dictionary<string, int> CountWords(string text)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var word = new StringBuilder();
        foreach (var character in text + " ")
        {
            if (char.IsLetterOrDigit(character))
            {
                word.Append(char.ToLowerInvariant(character));
                continue;
            }

            if (word.Length > 0)
            {
                var key = word.ToString();
                counts[key] = counts.GetValueOrDefault(key) + 1;
                word.Clear();
            }
        }

        return counts;
    }
}
