using System.Diagnostics;
using System.Globalization;
using System.Net;
using AspireAi.Ingest.Discovery;
using AspireAi.Ingest.Extraction;
using AspireAi.Samples.DocsQa.Gateway;

namespace AspireAi.Ingest.Upload;

/// <summary>A file or document that was not stored, and why.</summary>
/// <param name="Source">The relative path of the file.</param>
/// <param name="DocumentId">The document, or <see langword="null"/> when the whole file is meant.</param>
/// <param name="Reason">What went wrong.</param>
internal sealed record IngestProblem(string Source, string? DocumentId, string Reason);

/// <summary>What a run did, for the summary.</summary>
/// <param name="FilesFound">The .txt, .md and .xml files found.</param>
/// <param name="FilesSkipped">The files that gave no documents.</param>
/// <param name="DocumentsRead">The documents extracted from the files, without those skipped for a duplicate id.</param>
/// <param name="Documents">The documents stored.</param>
/// <param name="Chunks">The chunks the service split the stored documents into.</param>
/// <param name="Elapsed">The time from the start of discovery to the end of the last upload.</param>
/// <param name="Skipped">The files and documents left out on purpose, with the reason.</param>
/// <param name="Failures">The documents that were not stored because of an error.</param>
/// <param name="AbortReason">Why the run stopped early, or <see langword="null"/> when it finished.</param>
internal sealed record IngestSummary(
    int FilesFound,
    int FilesSkipped,
    int DocumentsRead,
    int Documents,
    int Chunks,
    TimeSpan Elapsed,
    IReadOnlyList<IngestProblem> Skipped,
    IReadOnlyList<IngestProblem> Failures,
    string? AbortReason)
{
    public double DocumentsPerSecond => Elapsed.TotalSeconds > 0 ? Documents / Elapsed.TotalSeconds : 0;
}

/// <summary>Receives progress while a run reads files and uploads documents.</summary>
internal interface IIngestProgress
{
    void FilesRead(int done, int total);

    void DocumentsUploaded(int done, int total);

    void Retrying(RetryNotice notice);
}

/// <summary>Reads a folder into documents and uploads them to a collection in batches, one request at a time.</summary>
internal sealed class Ingester(GatewayClient client, IIngestProgress progress)
{
    /// <summary>The maximum number of documents per upsert that embedding-search accepts.</summary>
    public const int MaxBatchSize = 256;

    // Keeps a request body far below the gateway's request size limit even when every text is long.
    private const int MaxCharactersPerRequest = 1_000_000;

    /// <summary>Ingests the files under <paramref name="folder"/> into <paramref name="collection"/>; with <paramref name="dryRun"/> nothing is sent.</summary>
    public async Task<IngestSummary> RunAsync(string folder, string collection, int batchSize, bool dryRun, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        client.Retrying += progress.Retrying;
        var files = FileDiscovery.Find(folder);
        var (documents, skipped, filesSkipped) = ReadDocuments(files);
        if (dryRun)
        {
            return new IngestSummary(files.Count, filesSkipped, documents.Count, 0, 0, stopwatch.Elapsed, skipped, [], null);
        }

        var failures = new List<IngestProblem>();
        var stored = 0;
        var chunks = 0;
        string? abortReason = null;
        try
        {
            if (documents.Count > 0)
            {
                await EnsureCollectionAsync(collection, cancellationToken);
            }

            var done = 0;
            foreach (var batch in Batch(documents, batchSize))
            {
                var (batchStored, batchChunks) = await UploadAsync(collection, batch, failures, cancellationToken);
                stored += batchStored;
                chunks += batchChunks;
                done += batch.Count;
                progress.DocumentsUploaded(done, documents.Count);
            }
        }
        catch (IngestException exception)
        {
            abortReason = exception.Message;
        }

        return new IngestSummary(files.Count, filesSkipped, documents.Count, stored, chunks, stopwatch.Elapsed, skipped, failures, abortReason);
    }

    /// <summary>Splits documents into batches of at most <paramref name="batchSize"/> documents and 1,000,000 characters of text.</summary>
    internal static IEnumerable<IReadOnlyList<IngestDocument>> Batch(IReadOnlyList<IngestDocument> documents, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);

        var batch = new List<IngestDocument>();
        var characters = 0;
        foreach (var document in documents)
        {
            if (batch.Count == batchSize || (batch.Count > 0 && characters + document.Text.Length > MaxCharactersPerRequest))
            {
                yield return batch;
                batch = [];
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

    /// <summary>
    /// Extracts the documents of every file. A file that cannot be read or gives no documents is
    /// skipped with its reason, and a document whose id an earlier file already used is skipped too,
    /// because the later upsert would silently replace the earlier document.
    /// </summary>
    internal (List<IngestDocument> Documents, List<IngestProblem> Skipped, int FilesSkipped) ReadDocuments(IReadOnlyList<SourceFile> files)
    {
        var documents = new List<IngestDocument>();
        var skipped = new List<IngestProblem>();
        var sourcesById = new Dictionary<string, string>(StringComparer.Ordinal);
        var filesSkipped = 0;
        for (var index = 0; index < files.Count; index++)
        {
            var file = files[index];
            ExtractionResult result;
            try
            {
                result = DocumentExtractor.Extract(file);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                result = ExtractionResult.Skipped($"The file could not be read: {exception.Message}");
            }

            if (result.SkipReason is { } reason)
            {
                skipped.Add(new IngestProblem(file.RelativePath, null, reason));
                filesSkipped++;
            }

            foreach (var document in result.Documents)
            {
                if (sourcesById.TryGetValue(document.Id, out var firstSource))
                {
                    skipped.Add(new IngestProblem(file.RelativePath, document.Id, $"The id is already used by a document from {firstSource}."));
                    continue;
                }

                sourcesById[document.Id] = file.RelativePath;
                documents.Add(document);
            }

            progress.FilesRead(index + 1, files.Count);
        }

        return (documents, skipped, filesSkipped);
    }

    private async Task EnsureCollectionAsync(string collection, CancellationToken cancellationToken)
    {
        var response = await client.CreateCollectionAsync(collection, cancellationToken);
        if (response.IsSuccess || response.StatusCode == HttpStatusCode.Conflict)
        {
            return;
        }

        ThrowIfRunCannotContinue(response, collection);
        throw new IngestException($"Creating the collection '{collection}' failed with {Describe(response)}");
    }

    private async Task<(int Stored, int Chunks)> UploadAsync(string collection, IReadOnlyList<IngestDocument> batch, List<IngestProblem> failures, CancellationToken cancellationToken)
    {
        var response = await client.UpsertAsync(collection, batch, cancellationToken);
        if (response.IsSuccess)
        {
            return (batch.Count, GatewayClient.ReadChunkCount(response.Body));
        }

        ThrowIfRunCannotContinue(response, collection);
        if (response.StatusCode is null || GatewayClient.IsTransient(response.StatusCode.Value))
        {
            // The retries are used up, so the gateway or the service behind it is down; every later batch would fail the same way.
            failures.AddRange(batch.Select(document => new IngestProblem(document.SourcePath, document.Id, Describe(response))));
            throw new IngestException($"Uploading stopped because the gateway kept failing: {Describe(response)} Run the command again to upload the rest; documents already stored are replaced, not duplicated.");
        }

        if (batch.Count == 1)
        {
            failures.Add(new IngestProblem(batch[0].SourcePath, batch[0].Id, Describe(response)));
            return (0, 0);
        }

        // The service rejects a whole batch for one bad document, so each is sent alone to find it and keep the rest.
        var stored = 0;
        var chunks = 0;
        foreach (var document in batch)
        {
            var (documentStored, documentChunks) = await UploadAsync(collection, [document], failures, cancellationToken);
            stored += documentStored;
            chunks += documentChunks;
        }

        return (stored, chunks);
    }

    private static void ThrowIfRunCannotContinue(GatewayResponse response, string collection)
    {
        switch (response.StatusCode)
        {
            case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                throw new IngestException($"The gateway rejected the API key with {Describe(response)} Check ASPIREAI_API_KEY or the .aspireai/dev-api-key file.");
            case HttpStatusCode.NotFound:
                throw new IngestException($"The collection '{collection}' or the route was not found: {Describe(response)} Check --gateway-url and that the collection was not deleted during the run.");
            case HttpStatusCode.PaymentRequired:
                throw new IngestException($"The tenant's budget does not allow more embeddings: {Describe(response)}");
        }
    }

    private static string Describe(GatewayResponse response) =>
        response.StatusCode is { } status
            ? string.Create(CultureInfo.InvariantCulture, $"HTTP {(int)status}: {ErrorDetail.FromBody(response.Body)}")
            : response.Body;
}
