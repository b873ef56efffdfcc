using System.Diagnostics;

namespace AspireAi.EmbeddingSearch.Tests.Storage;

public sealed class CrashRecoveryTests : IDisposable
{
    private const int AcknowledgementsBeforeKill = 40;

    private readonly TemporaryStore _temporary = new();

    public void Dispose() => _temporary.Dispose();

    [Fact]
    public async Task Open_AfterKill_KeepsAcknowledgedDocuments()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var tenant = Guid.NewGuid();
        var acknowledged = new List<string>();
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "AspireAi.EmbeddingSearch.Tests"))
        {
            ArgumentList = { CrashWriter.Command, _temporary.DataDirectory, tenant.ToString() },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        using (var writer = Process.Start(start)!)
        {
            while (acknowledged.Count < AcknowledgementsBeforeKill && await writer.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
            {
                acknowledged.Add(line[CrashWriter.AcknowledgedPrefix.Length..]);
            }

            // SIGKILL: no finaliser, flush or dispose runs, as in a power cut of the process.
            writer.Kill(entireProcessTree: true);

            // Lines printed before the kill were acknowledged too.
            while (await writer.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith(CrashWriter.AcknowledgedPrefix, StringComparison.Ordinal))
                {
                    acknowledged.Add(line[CrashWriter.AcknowledgedPrefix.Length..]);
                }
            }

            await writer.WaitForExitAsync(cancellationToken);
            Assert.True(acknowledged.Count >= AcknowledgementsBeforeKill, $"The writer acknowledged {acknowledged.Count} documents before it ended: {await writer.StandardError.ReadToEndAsync(cancellationToken)}");
        }

        using var reopened = _temporary.Open();
        var stored = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await reopened.ListDocumentsAsync(tenant, CrashWriter.Collection, 1000, token, cancellationToken);
            Assert.NotNull(page);
            foreach (var document in page.Documents)
            {
                stored.Add(document.Id);
                Assert.Equal(3, document.ChunkCount);
            }

            token = page.NextPageToken;
        }
        while (token is not null);

        var lost = acknowledged.Where(id => !stored.Contains(id)).ToList();
        Assert.True(lost.Count == 0, $"Acknowledged but lost after the kill: {string.Join(", ", lost)}");

        // At most the one write that was running at the kill can be stored without an acknowledgement.
        Assert.InRange(stored.Count - acknowledged.Count, 0, 1);
    }
}
