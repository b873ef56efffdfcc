using System.ClientModel;
using System.Diagnostics;
using System.Globalization;
using AspireAi.Samples.DocsQa.Answers;
using AspireAi.Samples.DocsQa.Documentation;
using AspireAi.Samples.DocsQa.Gateway;
using AspireAi.Samples.DocsQa.Ingestion;
using OpenAI;
using OpenAI.Chat;

namespace AspireAi.Samples.DocsQa;

/// <summary>One run of the sample: read the reference docs, ingest them unless present, answer the questions, print usage.</summary>
internal sealed class DocsQaRun(DocsQaSettings settings, ApiKey apiKey, TextWriter output)
{
    // An upload of one batch or a chat completion through the gateway; the gateway's own timeouts are shorter.
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromMinutes(2);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        output.WriteLine($"Gateway:    {settings.GatewayUrl} (API key from {apiKey.Source})");

        var pack = FindReferencePack();
        output.WriteLine($"Reference:  {pack.Directory} (pack {pack.Version})");

        var assemblies = SelectAssemblies(pack);
        var selection = ReadDocuments(pack, assemblies);
        var collection = settings.Collection ?? DocumentSelection.DefaultCollectionName(pack, assemblies, settings.MaxDocuments);
        output.WriteLine($"Collection: {collection}");
        output.WriteLine();

        using var collections = new CollectionsClient(settings.GatewayUrl, apiKey.Key, RequestTimeout);
        await EnsureIngestedAsync(collections, collection, selection, cancellationToken);

        var chat = new ChatClient(
            settings.Model,
            new ApiKeyCredential(apiKey.Key),
            new OpenAIClientOptions { Endpoint = new Uri(settings.GatewayUrl, "v1"), NetworkTimeout = RequestTimeout });
        var answerer = new QuestionAnswerer(collections, chat, collection, settings.Passages);
        var answers = new List<Answer>();
        for (var index = 0; index < settings.Questions.Count; index++)
        {
            var answer = await answerer.AnswerAsync(settings.Questions[index], cancellationToken);
            answers.Add(answer);
            ReportPrinter.PrintAnswer(output, index + 1, settings.Questions.Count, answer);
        }

        ReportPrinter.PrintRunTotals(output, answers);
        ReportPrinter.PrintUsage(output, await collections.GetUsageAsync(cancellationToken));
    }

    private static ReferencePack FindReferencePack()
    {
        var dotnetRoot = ReferencePack.FindDotnetRoot()
            ?? throw new DocsQaException("The .NET SDK folder was not found: DOTNET_ROOT is not set and the running runtime has no packs folder beside it. Set DOTNET_ROOT to the folder that contains the dotnet executable.");

        return ReferencePack.Find(dotnetRoot)
            ?? throw new DocsQaException($"No Microsoft.NETCore.App.Ref {ReferencePack.MajorVersion}.x pack with a {ReferencePack.TargetFramework} folder was found under {dotnetRoot}/packs. Install the .NET {ReferencePack.MajorVersion} SDK, or set DOTNET_ROOT to an SDK that has it.");
    }

    private IReadOnlyList<string> SelectAssemblies(ReferencePack pack)
    {
        if (settings.AllAssemblies)
        {
            return pack.ListAssemblies();
        }

        var missing = settings.Assemblies.Where(assembly => !File.Exists(pack.GetFilePath(assembly))).ToList();
        if (missing.Count > 0)
        {
            throw new DocsQaException(
                $"--assemblies names {string.Join(", ", missing)}, but {pack.Directory} has no documentation file for it. "
                + $"Available: {string.Join(", ", pack.ListAssemblies())}.");
        }

        return settings.Assemblies;
    }

    private DocumentSelection ReadDocuments(ReferencePack pack, IReadOnlyList<string> assemblies)
    {
        var stopwatch = Stopwatch.StartNew();
        var selection = DocumentSelection.Read(pack, assemblies, settings.MaxDocuments);
        var capNote = selection.CapReached ? string.Create(CultureInfo.InvariantCulture, $", stopped at --max-documents {settings.MaxDocuments:N0}") : string.Empty;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Documents:  {selection.Documents.Count:N0} documented members from {assemblies.Count} files, read in {stopwatch.Elapsed.TotalSeconds:0.0} s ({selection.DuplicatesSkipped:N0} repeated members skipped{capNote})"));
        if (selection.Documents.Count == 0)
        {
            throw new DocsQaException($"The selected files ({string.Join(", ", assemblies)}) have no documented members. Choose other --assemblies.");
        }

        return selection;
    }

    private async Task EnsureIngestedAsync(CollectionsClient collections, string collection, DocumentSelection selection, CancellationToken cancellationToken)
    {
        var expected = selection.Documents.Count;
        var existing = await collections.GetCollectionAsync(collection, cancellationToken);
        if (existing is not null && existing.DocumentCount >= expected && !settings.Reingest)
        {
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Ingestion skipped: '{collection}' already contains {existing.DocumentCount:N0} documents for the {expected:N0} selected. Pass --reingest to upload them again."));
            output.WriteLine();
            return;
        }

        if (existing is null)
        {
            await collections.CreateCollectionAsync(collection, cancellationToken);
        }

        // NOTE: resuming assumes that the collection was filled by this selection in this order, one
        // request at a time, so its first N documents are the ones present. --reingest covers the rest.
        var skipped = existing is not null && !settings.Reingest ? (int)existing.DocumentCount : 0;
        var documents = selection.Documents.Skip(skipped).ToList();
        var resumeNote = skipped > 0
            ? string.Create(CultureInfo.InvariantCulture, $" ({skipped:N0} of {expected:N0} are already there from an earlier run; pass --reingest to upload all)")
            : string.Empty;
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Ingesting {documents.Count:N0} documents into '{collection}', {settings.BatchSize} per request{resumeNote}:"));
        var result = await new DocumentIngester(collections, output).IngestAsync(collection, documents, settings.BatchSize, cancellationToken);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"Ingested {result.Documents:N0} documents in {result.Elapsed.TotalSeconds:0.0} s: {result.DocumentsPerSecond:0.0} documents/s over {result.Requests:N0} requests."));
        output.WriteLine();
    }
}
