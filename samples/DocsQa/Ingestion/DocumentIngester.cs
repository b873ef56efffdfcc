using System.Diagnostics;
using System.Globalization;
using AspireAi.Samples.DocsQa.Documentation;
using AspireAi.Samples.DocsQa.Gateway;

namespace AspireAi.Samples.DocsQa.Ingestion;

/// <summary>The outcome of an ingestion: what was sent and how long it took.</summary>
internal sealed record IngestionResult(int Documents, int Requests, TimeSpan Elapsed)
{
    public double DocumentsPerSecond => Elapsed.TotalSeconds > 0 ? Documents / Elapsed.TotalSeconds : 0;
}

/// <summary>Uploads documents to a collection in batches, one request at a time, and reports progress.</summary>
internal sealed class DocumentIngester(CollectionsClient client, TextWriter output)
{
    // Keeps one request body far below the gateway's 16 MiB limit even when every text is long.
    private const int MaxCharactersPerRequest = 1_000_000;

    private const int MaxAttempts = 4;

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(30);

    /// <summary>Upserts every document, <paramref name="batchSize"/> per request at most.</summary>
    public async Task<IngestionResult> IngestAsync(string collection, IReadOnlyList<ApiDocument> documents, int batchSize, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var lastProgress = TimeSpan.Zero;
        var sent = 0;
        var requests = 0;

        foreach (var batch in Batch(documents, batchSize))
        {
            var uploads = batch.Select(ToUpload).ToList();
            var upserted = await UpsertWithRetriesAsync(collection, uploads, sent, cancellationToken);
            if (upserted != uploads.Count)
            {
                throw new DocsQaException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Uploading to '{collection}' stored {upserted} of {uploads.Count} documents. Run again with --reingest to upload them again."));
            }

            sent += upserted;
            requests++;
            if (stopwatch.Elapsed - lastProgress >= ProgressInterval || sent == documents.Count)
            {
                lastProgress = stopwatch.Elapsed;
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  {sent,7:N0} / {documents.Count:N0} documents ({100.0 * sent / documents.Count:0.0} %), {stopwatch.Elapsed.TotalSeconds:0.0} s"));
            }
        }

        return new IngestionResult(sent, requests, stopwatch.Elapsed);
    }

    // An upsert replaces documents by id, so sending a batch again after a timeout or a 5xx is safe.
    private async Task<int> UpsertWithRetriesAsync(string collection, IReadOnlyList<DocumentUpload> uploads, int offset, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await client.UpsertAsync(collection, uploads, cancellationToken);
            }
            catch (DocsQaException exception) when (exception.IsTransient && attempt < MaxAttempts)
            {
                var delay = TimeSpan.FromSeconds(5 * attempt);
                output.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"  Documents {offset + 1:N0}-{offset + uploads.Count:N0}: {exception.Message} Retrying in {delay.TotalSeconds:0} s (attempt {attempt + 1} of {MaxAttempts})."));
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    /// <summary>Splits documents into batches of at most <paramref name="batchSize"/> documents and 1,000,000 characters of text.</summary>
    internal static IEnumerable<IReadOnlyList<ApiDocument>> Batch(IReadOnlyList<ApiDocument> documents, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);

        var batch = new List<ApiDocument>(batchSize);
        var characters = 0;
        foreach (var document in documents)
        {
            if (batch.Count == batchSize || (batch.Count > 0 && characters + document.Text.Length > MaxCharactersPerRequest))
            {
                yield return batch;
                batch = new List<ApiDocument>(batchSize);
                characters = 0;
            }

            batch.Add(document);
            characters += document.Text.Length;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    private static DocumentUpload ToUpload(ApiDocument document) =>
        new(document.Id, document.Text, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["kind"] = document.Kind,
            ["member"] = document.MemberName,
            ["assembly"] = document.Assembly,
        });
}
