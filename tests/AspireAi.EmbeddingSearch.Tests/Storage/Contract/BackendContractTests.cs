using AspireAi.EmbeddingSearch.Storage;
using AspireAi.EmbeddingSearch.Storage.Qdrant;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Qdrant.Client;

namespace AspireAi.EmbeddingSearch.Tests.Storage.Contract;

/// <summary>The contract suite against the embedded index; it always runs.</summary>
public sealed class EmbeddedContractTests : VectorStoreContractTests
{
    private readonly TemporaryStore _temporary = new();
    private IDisposable? _opened;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _opened?.Dispose();
        _temporary.Dispose();
    }

    protected override Task<IVectorStore> OpenStoreAsync()
    {
        var store = _temporary.Open();
        _opened = store;
        return Task.FromResult<IVectorStore>(store);
    }
}

/// <summary>The contract suite against the embedded index with every collection searched through its HNSW graph.</summary>
public sealed class EmbeddedHnswContractTests : VectorStoreContractTests
{
    private readonly TemporaryStore _temporary = new();
    private IDisposable? _opened;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _opened?.Dispose();
        _temporary.Dispose();
    }

    protected override Task<IVectorStore> OpenStoreAsync()
    {
        var store = _temporary.Open(options => options.HnswThreshold = 0);
        _opened = store;
        return Task.FromResult<IVectorStore>(store);
    }
}

/// <summary>
/// The contract suite against a real Qdrant server, when the environment variable
/// <c>ASPIREAI_TEST_QDRANT</c> contains its connection string (<c>Endpoint=http://host:6334;Key=…</c>).
/// </summary>
public sealed class QdrantContractTests : VectorStoreContractTests
{
    public const string ConnectionVariable = "ASPIREAI_TEST_QDRANT";

    private QdrantClient? _client;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _client?.Dispose();
    }

    protected override Task<IVectorStore> OpenStoreAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable(ConnectionVariable);
        Assert.SkipWhen(
            string.IsNullOrWhiteSpace(connectionString),
            $"No Qdrant server is configured. Set {ConnectionVariable} to 'Endpoint=http://localhost:6334;Key=<api key>' to run the contract suite against Qdrant.");

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:qdrant"] = connectionString })
            .Build();
        var settings = QdrantClientExtensions.ReadSettings(configuration, "qdrant", configureSettings: null);
        _client = new QdrantClient(settings.Endpoint!, settings.Key, settings.Timeout);
        return Task.FromResult<IVectorStore>(new QdrantVectorStore(_client, Options.Create(new EmbeddingSearchOptions()), TimeProvider.System));
    }
}
