using AspireAi.EmbeddingSearch.Storage;
using AspireAi.EmbeddingSearch.Storage.Embedded;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AspireAi.EmbeddingSearch.Tests.Storage;

/// <summary>A data directory of its own for one test, deleted afterwards, and helpers to open a store on it.</summary>
public sealed class TemporaryStore : IDisposable
{
    private readonly bool _deleteOnDispose;

    public TemporaryStore()
        : this(Path.Combine(Path.GetTempPath(), "aspireai-embedding-tests", Guid.NewGuid().ToString("N")), deleteOnDispose: true)
    {
    }

    public TemporaryStore(string dataDirectory, bool deleteOnDispose)
    {
        DataDirectory = dataDirectory;
        _deleteOnDispose = deleteOnDispose;
    }

    public string DataDirectory { get; }

    /// <summary>Opens a store on the data directory with default settings, changed by <paramref name="configure"/> when given.</summary>
    public EmbeddedVectorStore Open(Action<EmbeddedStoreOptions>? configure = null)
    {
        var options = new EmbeddingSearchOptions { Embedded = { DataDirectory = DataDirectory } };
        configure?.Invoke(options.Embedded);
        return new EmbeddedVectorStore(Options.Create(options), TimeProvider.System, NullLogger<EmbeddedVectorStore>.Instance);
    }

    public string SingleLogPath() => Assert.Single(Directory.GetFiles(DataDirectory, "*.vlog", SearchOption.AllDirectories));

    public void Dispose()
    {
        if (_deleteOnDispose && Directory.Exists(DataDirectory))
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    /// <summary>Returns a unit vector that points mostly along <paramref name="axis"/>, tilted by <paramref name="tilt"/> towards the next axis.</summary>
    public static float[] UnitVector(int axis, float tilt = 0f)
    {
        var vector = new float[384];
        vector[axis] = 1f;
        vector[(axis + 1) % 384] = tilt;
        var norm = MathF.Sqrt(1f + (tilt * tilt));
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] /= norm;
        }

        return vector;
    }

    public static VectorDocument Document(string id, float[] vector, string? text = null) =>
        new(id, text ?? $"text of {id}", new Dictionary<string, System.Text.Json.JsonElement>(), vector);
}
