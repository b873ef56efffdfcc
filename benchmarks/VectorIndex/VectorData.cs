using System.Numerics.Tensors;

namespace AspireAi.Benchmarks.VectorIndex;

/// <summary>How the benchmark's vectors are spread over the unit sphere.</summary>
internal enum Distribution
{
    /// <summary>Uniform on the sphere: no structure at all, the hardest case for HNSW recall.</summary>
    Uniform,

    /// <summary>A Gaussian mixture around 1,000 random centres, closer to the shape of real text embeddings.</summary>
    Clustered,
}

/// <summary>Generates reproducible unit vectors for one distribution.</summary>
internal sealed class VectorData
{
    public const int ClusterCount = 1_000;

    // Per-coordinate standard deviation around a centre. On 384 dimensions the noise vector has a
    // norm of about 0.05 × √384 ≈ 0.98, as long as the centre itself, so clusters overlap visibly
    // but a point stays nearer its own centre than to others.
    public const double ClusterSpread = 0.05;

    private readonly Random _random;
    private readonly Distribution _distribution;
    private readonly int _dimensions;
    private readonly float[][] _centres;

    public VectorData(Distribution distribution, int dimensions, int seed)
    {
        _random = new Random(seed);
        _distribution = distribution;
        _dimensions = dimensions;
        _centres = distribution == Distribution.Clustered
            ? Enumerable.Range(0, ClusterCount).Select(_ => Normalize(Gaussian(1.0))).ToArray()
            : [];
    }

    /// <summary>Returns the next unit vector.</summary>
    public float[] Next()
    {
        if (_distribution == Distribution.Uniform)
        {
            // A vector of independent standard normals, normalised, is uniform on the sphere.
            return Normalize(Gaussian(1.0));
        }

        var centre = _centres[_random.Next(_centres.Length)];
        var vector = Gaussian(ClusterSpread);
        TensorPrimitives.Add(vector, centre, vector);
        return Normalize(vector);
    }

    private float[] Gaussian(double standardDeviation)
    {
        var vector = new float[_dimensions];
        for (var i = 0; i < vector.Length; i++)
        {
            // Box–Muller transform of two uniform samples. 1 - NextDouble() is never 0, so the logarithm stays finite.
            var radius = Math.Sqrt(-2.0 * Math.Log(1.0 - _random.NextDouble()));
            vector[i] = (float)(standardDeviation * radius * Math.Cos(2.0 * Math.PI * _random.NextDouble()));
        }

        return vector;
    }

    private static float[] Normalize(float[] vector)
    {
        TensorPrimitives.Divide(vector, TensorPrimitives.Norm(vector), vector);
        return vector;
    }
}
