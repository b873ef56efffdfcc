using System.Net;
using System.Text.Json;
using AspireAi.Ingest.Upload;

namespace AspireAi.Ingest.Tests;

public sealed class IngesterTests
{
    private static readonly RetrySettings FastRetry = new(3, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));

    private readonly List<TimeSpan> _delays = [];
    private readonly RecordingProgress _progress = new();
    private readonly CancellationToken _cancellationToken = TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_HealthyGateway_StoresEveryDocument()
    {
        using var folder = CreateFolder(documentCount: 5);
        var gateway = new StubGateway((request, _) => Task.FromResult(request.Path.EndsWith("/documents", StringComparison.Ordinal)
            ? StubGateway.Json(HttpStatusCode.OK, $$"""{"upserted":{{CountDocuments(request)}},"chunks":{{CountDocuments(request) * 2}}}""")
            : StubGateway.Json(HttpStatusCode.Created, "{}")));

        var summary = await RunAsync(gateway, folder, batchSize: 2);

        Assert.Equal((5, 0, 5, 5, 10), (summary.FilesFound, summary.FilesSkipped, summary.DocumentsRead, summary.Documents, summary.Chunks));
        Assert.Empty(summary.Failures);
        Assert.Null(summary.AbortReason);
        Assert.Equal(["/v1/collections", "/v1/collections/notes/documents", "/v1/collections/notes/documents", "/v1/collections/notes/documents"], gateway.Requests.Select(request => request.Path));
        Assert.All(gateway.Requests, request => Assert.Equal("Bearer test-key", request.Authorization));
        Assert.Equal([2, 2, 1], gateway.Requests.Skip(1).Select(CountDocuments));
        Assert.Equal((5, 5), _progress.LastUpload);

        var create = JsonDocument.Parse(gateway.Requests[0].Body).RootElement;
        Assert.Equal("notes", create.GetProperty("name").GetString());
        Assert.Equal("keyword", create.GetProperty("indexed_metadata").GetProperty("source").GetString());
        var first = JsonDocument.Parse(gateway.Requests[1].Body).RootElement.GetProperty("documents")[0];
        Assert.Equal("note-0.txt", first.GetProperty("id").GetString());
        Assert.Equal("Note number 0 about retries.", first.GetProperty("text").GetString());
        Assert.Equal("note-0.txt", first.GetProperty("metadata").GetProperty("source").GetString());
        Assert.Equal("text", first.GetProperty("metadata").GetProperty("format").GetString());
    }

    [Fact]
    public async Task RunAsync_ExistingCollection_UploadsAnyway()
    {
        using var folder = CreateFolder(documentCount: 1);
        var gateway = new StubGateway((request, _) => Task.FromResult(request.Path.EndsWith("/documents", StringComparison.Ordinal)
            ? StubGateway.Json(HttpStatusCode.OK, """{"upserted":1,"chunks":1}""")
            : StubGateway.Json(HttpStatusCode.Conflict, """{"detail":"exists"}""")));

        var summary = await RunAsync(gateway, folder);

        Assert.Equal(1, summary.Documents);
        Assert.Null(summary.AbortReason);
    }

    [Fact]
    public async Task RunAsync_TransientStatus_RetriesAfterRetryAfter()
    {
        using var folder = CreateFolder(documentCount: 1);
        var gateway = new StubGateway((request, number) =>
        {
            if (number == 2)
            {
                var busy = StubGateway.Json(HttpStatusCode.TooManyRequests, """{"error":{"message":"slow down"}}""");
                busy.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
                return Task.FromResult(busy);
            }

            if (number == 3)
            {
                return Task.FromResult(StubGateway.Json(HttpStatusCode.BadGateway, "{}"));
            }

            return Task.FromResult(StubGateway.Json(HttpStatusCode.OK, """{"upserted":1,"chunks":1}"""));
        });

        var summary = await RunAsync(gateway, folder);

        Assert.Equal(1, summary.Documents);
        Assert.Empty(summary.Failures);
        Assert.Equal([TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(2)], _delays);
        Assert.Equal(["HTTP 429", "HTTP 502"], _progress.Retries.Select(notice => notice.Reason));
    }

    [Fact]
    public async Task RunAsync_AttemptTimesOut_Retries()
    {
        using var folder = CreateFolder(documentCount: 1);
        var gateway = new StubGateway(async (request, number) =>
        {
            if (number == 2)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, TestContext.Current.CancellationToken);
            }

            return StubGateway.Json(HttpStatusCode.OK, """{"upserted":1,"chunks":1}""");
        });
        var retry = FastRetry with { RequestTimeout = TimeSpan.FromMilliseconds(200) };

        var summary = await RunAsync(gateway, folder, retry: retry);

        Assert.Equal(1, summary.Documents);
        var notice = Assert.Single(_progress.Retries);
        Assert.StartsWith("timed out", notice.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_GatewayDown_StopsAfterMaxAttempts()
    {
        using var folder = CreateFolder(documentCount: 3);
        var gateway = new StubGateway((_, _) => Task.FromException<HttpResponseMessage>(new HttpRequestException("Connection refused (localhost:5080)")));

        var summary = await RunAsync(gateway, folder);

        Assert.Equal(3, gateway.Requests.Count);
        Assert.Equal(2, _delays.Count);
        Assert.Equal(0, summary.Documents);
        Assert.NotNull(summary.AbortReason);
        Assert.Contains("Connection refused", summary.AbortReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_PersistentServerError_Stops()
    {
        using var folder = CreateFolder(documentCount: 3);
        var gateway = new StubGateway((request, _) => Task.FromResult(request.Path.EndsWith("/documents", StringComparison.Ordinal)
            ? StubGateway.Json(HttpStatusCode.ServiceUnavailable, """{"detail":"The vector store (Qdrant) could not be reached."}""")
            : StubGateway.Json(HttpStatusCode.Created, "{}")));

        var summary = await RunAsync(gateway, folder, batchSize: 2);

        Assert.Equal(1 + FastRetry.MaxAttempts, gateway.Requests.Count);
        Assert.Equal(2, summary.Failures.Count);
        Assert.All(summary.Failures, failure => Assert.Contains("HTTP 503: The vector store (Qdrant) could not be reached.", failure.Reason, StringComparison.Ordinal));
        Assert.Contains("Run the command again", summary.AbortReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_InvalidDocument_StoresTheOthers()
    {
        using var folder = CreateFolder(documentCount: 3);
        var gateway = new StubGateway((request, _) =>
        {
            if (!request.Path.EndsWith("/documents", StringComparison.Ordinal))
            {
                return Task.FromResult(StubGateway.Json(HttpStatusCode.Created, "{}"));
            }

            return Task.FromResult(request.Body.Contains("note-1.txt", StringComparison.Ordinal)
                ? StubGateway.Json(HttpStatusCode.BadRequest, """{"title":"One or more validation errors occurred.","errors":{"documents[0].metadata":["metadata.source is not a keyword."]}}""")
                : StubGateway.Json(HttpStatusCode.OK, $$"""{"upserted":{{CountDocuments(request)}},"chunks":{{CountDocuments(request)}}}"""));
        });

        var summary = await RunAsync(gateway, folder);

        Assert.Equal(2, summary.Documents);
        var failure = Assert.Single(summary.Failures);
        Assert.Equal(("note-1.txt", "note-1.txt"), (failure.Source, failure.DocumentId));
        Assert.Contains("documents[0].metadata: metadata.source is not a keyword.", failure.Reason, StringComparison.Ordinal);
        Assert.Null(summary.AbortReason);
        Assert.Empty(_delays);
    }

    [Fact]
    public async Task RunAsync_RejectedKey_StopsWithKeyHint()
    {
        using var folder = CreateFolder(documentCount: 2);
        var gateway = new StubGateway((_, _) => Task.FromResult(StubGateway.Json(HttpStatusCode.Unauthorized, """{"error":{"message":"Invalid API key."}}""")));

        var summary = await RunAsync(gateway, folder);

        Assert.Single(gateway.Requests);
        Assert.Contains("HTTP 401: Invalid API key.", summary.AbortReason, StringComparison.Ordinal);
        Assert.Contains("ASPIREAI_API_KEY", summary.AbortReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_DryRun_SendsNothing()
    {
        using var folder = CreateFolder(documentCount: 2);
        folder.Write("empty.md", " ");
        var gateway = new StubGateway((_, _) => throw new InvalidOperationException("A dry run must not send requests."));

        var summary = await RunAsync(gateway, folder, dryRun: true);

        Assert.Empty(gateway.Requests);
        Assert.Equal((3, 1, 2, 0), (summary.FilesFound, summary.FilesSkipped, summary.DocumentsRead, summary.Documents));
        Assert.Equal("empty.md", Assert.Single(summary.Skipped).Source);
        Assert.Equal((3, 3), _progress.LastRead);
    }

    [Fact]
    public void ReadDocuments_DuplicateMemberId_KeepsFirst()
    {
        using var folder = new TemporaryFolder();
        const string Xml = """<doc><members><member name="T:Contoso.Widget"><summary>A widget.</summary></member></members></doc>""";
        folder.Write("v1/Contoso.xml", Xml);
        folder.Write("v2/Contoso.xml", Xml);
        var ingester = new Ingester(new GatewayClient(new HttpClient(), FastRetry, (_, _) => Task.CompletedTask), _progress);

        var (documents, skipped, filesSkipped) = ingester.ReadDocuments(Discovery.FileDiscovery.Find(folder.Path));

        Assert.Equal("v1/Contoso.xml", Assert.Single(documents).SourcePath);
        var duplicate = Assert.Single(skipped);
        Assert.Equal(("v2/Contoso.xml", "T:Contoso.Widget"), (duplicate.Source, duplicate.DocumentId));
        Assert.Contains("v1/Contoso.xml", duplicate.Reason, StringComparison.Ordinal);
        Assert.Equal(0, filesSkipped);
    }

    [Fact]
    public void Batch_LongTexts_SplitByCharacters()
    {
        var text = new string('x', 30_000);
        var documents = Enumerable.Range(0, 40)
            .Select(index => new Extraction.IngestDocument($"d{index}", text, new Dictionary<string, object>(), "f.txt"))
            .ToList();

        var batches = Ingester.Batch(documents, 256).ToList();

        Assert.Equal([33, 7], batches.Select(batch => batch.Count));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(10, 30)]
    public void NextDelay_NoRetryAfter_DoublesUpToMax(int attempt, int expectedSeconds)
    {
        var delay = GatewayClient.NextDelay(attempt, null, FastRetry, DateTimeOffset.UnixEpoch);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), delay);
    }

    [Fact]
    public void NextDelay_RetryAfterDate_IsCapped()
    {
        var now = DateTimeOffset.Parse("2025-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        var soon = GatewayClient.NextDelay(1, new System.Net.Http.Headers.RetryConditionHeaderValue(now.AddSeconds(12)), FastRetry, now);
        var late = GatewayClient.NextDelay(1, new System.Net.Http.Headers.RetryConditionHeaderValue(now.AddHours(1)), FastRetry, now);
        var past = GatewayClient.NextDelay(1, new System.Net.Http.Headers.RetryConditionHeaderValue(now.AddSeconds(-5)), FastRetry, now);

        Assert.Equal(TimeSpan.FromSeconds(12), soon);
        Assert.Equal(FastRetry.MaxDelay, late);
        Assert.Equal(TimeSpan.Zero, past);
    }

    private static int CountDocuments(ReceivedRequest request) =>
        JsonDocument.Parse(request.Body).RootElement.GetProperty("documents").GetArrayLength();

    private static TemporaryFolder CreateFolder(int documentCount)
    {
        var folder = new TemporaryFolder();
        for (var index = 0; index < documentCount; index++)
        {
            folder.Write($"note-{index}.txt", $"Note number {index} about retries.");
        }

        return folder;
    }

    private async Task<IngestSummary> RunAsync(StubGateway gateway, TemporaryFolder folder, int batchSize = 64, bool dryRun = false, RetrySettings? retry = null)
    {
        using var http = GatewayClient.CreateHttpClient(new Uri("http://localhost:5080"), "test-key", gateway);
        var client = new GatewayClient(http, retry ?? FastRetry, (delay, _) =>
        {
            _delays.Add(delay);
            return Task.CompletedTask;
        });
        return await new Ingester(client, _progress).RunAsync(folder.Path, "notes", batchSize, dryRun, _cancellationToken);
    }

    private sealed class RecordingProgress : IIngestProgress
    {
        public (int Done, int Total) LastRead { get; private set; }

        public (int Done, int Total) LastUpload { get; private set; }

        public List<RetryNotice> Retries { get; } = [];

        public void FilesRead(int done, int total) => LastRead = (done, total);

        public void DocumentsUploaded(int done, int total) => LastUpload = (done, total);

        public void Retrying(RetryNotice notice) => Retries.Add(notice);
    }
}
