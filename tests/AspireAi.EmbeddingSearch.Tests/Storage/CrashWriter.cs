using System.Text.Json;
using AspireAi.EmbeddingSearch.Storage;

namespace AspireAi.EmbeddingSearch.Tests.Storage;

/// <summary>
/// Upserts documents into an embedded index without end and prints <c>ack {id}</c> after each
/// upsert returns, so a parent process can kill it at any moment and know what was acknowledged.
/// </summary>
public static class CrashWriter
{
    public const string Command = "crash-writer";
    public const string Collection = "crash";
    public const string AcknowledgedPrefix = "ack ";

    /// <summary>Runs until killed. Arguments: the data directory and the tenant id.</summary>
    public static int Run(string[] args)
    {
        if (args.Length != 2 || !Guid.TryParse(args[1], out var tenant))
        {
            Console.Error.WriteLine($"Usage: {Command} <data directory> <tenant id>");
            return 2;
        }

        using var temporary = new TemporaryStore(args[0], deleteOnDispose: false);
        using var store = temporary.Open();
        store.CreateCollectionAsync(tenant, Collection, CancellationToken.None).GetAwaiter().GetResult();
        var metadata = new Dictionary<string, JsonElement>();
        for (var i = 0; ; i++)
        {
            // Documents of three chunks, so a torn write can cut a record between chunks too.
            var id = $"doc-{i:D6}";
            var document = new VectorDocument(
                id,
                metadata,
                [
                    new DocumentChunk($"{id} part 1", TemporaryStore.UnitVector(i % 384)),
                    new DocumentChunk($"{id} part 2", TemporaryStore.UnitVector((i + 1) % 384)),
                    new DocumentChunk($"{id} part 3", TemporaryStore.UnitVector((i + 2) % 384)),
                ]);
            store.UpsertAsync(tenant, Collection, [document], CancellationToken.None).GetAwaiter().GetResult();
            Console.Out.WriteLine(AcknowledgedPrefix + id);
            Console.Out.Flush();
        }
    }
}
