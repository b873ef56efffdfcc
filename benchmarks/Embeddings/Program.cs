using System.Diagnostics;
using System.Globalization;
using AspireAi.Benchmarks.Embeddings;

const string Usage = """
    Usage: AspireAi.Benchmarks.Embeddings --out-dir DIR [--quick] [--gateway-url URL --api-key KEY]

    Measures sentences per second of all-MiniLM-L6-v2 on batches of 1, 8, 16, 32 and 64 sentences, with ONNX
    Runtime called directly and, when --gateway-url is given, through the gateway's POST /v1/embeddings. Each batch
    size and mode embeds the same sentences until 1,024 are done or 10 s have passed.
    Writes DIR/embeddings.json and DIR/embeddings.md.
      --out-dir DIR      folder for the results; created when missing
      --quick            embed at most 128 sentences or 3 s per batch size and mode instead of 1,024 or 10 s
      --gateway-url URL  the gateway's base URL, such as http://127.0.0.1:5080. Without it only the direct mode runs
      --api-key KEY      a tenant API key that the gateway accepts; required with --gateway-url
    """;

string? outDir = null;
Uri? gatewayUrl = null;
string? apiKey = null;
var quick = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--out-dir" when i + 1 < args.Length:
            outDir = args[++i];
            break;
        case "--gateway-url" when i + 1 < args.Length:
            if (!Uri.TryCreate(args[++i], UriKind.Absolute, out gatewayUrl) || gatewayUrl.Scheme is not ("http" or "https"))
            {
                Console.Error.WriteLine($"Invalid --gateway-url '{args[i]}': pass an absolute http or https URL such as http://127.0.0.1:5080.");
                return 2;
            }

            break;
        case "--api-key" when i + 1 < args.Length:
            apiKey = args[++i];
            break;
        case "--quick":
            quick = true;
            break;
        case "--help" or "-h":
            Console.Error.WriteLine(Usage);
            return 0;
        default:
            Console.Error.WriteLine($"Unknown or incomplete option '{args[i]}'.");
            Console.Error.WriteLine(Usage);
            return 2;
    }
}

if (string.IsNullOrWhiteSpace(outDir))
{
    Console.Error.WriteLine("Missing --out-dir: pass the folder to write embeddings.json and embeddings.md to.");
    Console.Error.WriteLine(Usage);
    return 2;
}

if (gatewayUrl is not null && string.IsNullOrWhiteSpace(apiKey))
{
    Console.Error.WriteLine("Missing --api-key: the service mode needs a tenant API key that the gateway accepts.");
    return 2;
}

Directory.CreateDirectory(outDir);
var loadAverage = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

// 1,024 sentences take about 6 s per batch size at the 150-180 sentences/s this model reaches on an idle two-core
// machine. A busy machine is much slower, so a measurement also stops after its time limit, at a batch boundary.
var corpus = SentenceCorpus.Create(quick ? 128 : 1_024);
var timeLimit = TimeSpan.FromSeconds(quick ? 3 : 10);
int[] batchSizes = [1, 8, 16, 32, 64];

Console.Error.WriteLine("Loading all-MiniLM-L6-v2 into ONNX Runtime...");
using var direct = new DirectEmbedder();
using var service = gatewayUrl is null ? null : new ServiceEmbedder(gatewayUrl, apiKey!);
if (service is null)
{
    Console.Error.WriteLine("No --gateway-url: the service mode is skipped and only ONNX Runtime is measured.");
}

using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(quick ? 5 : 15));
var rows = new List<EmbeddingsResult>();
try
{
    foreach (var batchSize in batchSizes)
    {
        // The modes alternate per batch size, so a change in the machine's load affects both alike.
        direct.Embed([.. corpus.Take(batchSize)]);
        var (directRate, directSentences) = await Measure(corpus, batchSize, timeLimit, batch =>
        {
            direct.Embed(batch);
            return Task.CompletedTask;
        }, cancellation.Token);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"direct  batch {batchSize,2}: {directRate,7:0.0} sentences/s over {directSentences} sentences"));

        double? serviceRate = null;
        int? serviceSentences = null;
        if (service is not null)
        {
            await service.EmbedAsync([.. corpus.Take(batchSize)], cancellation.Token);
            var (rate, sentences) = await Measure(corpus, batchSize, timeLimit, batch => service.EmbedAsync(batch, cancellation.Token), cancellation.Token);
            (serviceRate, serviceSentences) = (rate, sentences);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"service batch {batchSize,2}: {rate,7:0.0} sentences/s over {sentences} sentences"));
        }

        rows.Add(new EmbeddingsResult(batchSize, directSentences, directRate, serviceSentences, serviceRate, serviceRate / directRate));
    }
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("The embeddings benchmark timed out before it finished. The rates measured so far are above.");
    return 1;
}
catch (Exception exception) when (exception is HttpRequestException or InvalidOperationException)
{
    Console.Error.WriteLine($"The service mode failed: {exception.Message}");
    return 1;
}

EmbeddingsReport.Write(outDir, rows, serviceSkipped: service is null, quick, loadAverage);
Console.Error.WriteLine($"Wrote {Path.Combine(outDir, "embeddings.json")} and {Path.Combine(outDir, "embeddings.md")}.");
return 0;

// Embeds the corpus in consecutive batches until it ends or the time limit passes, and returns sentences per second
// with the number of sentences embedded.
static async Task<(double Rate, int Sentences)> Measure(
    IReadOnlyList<string> corpus, int batchSize, TimeSpan timeLimit, Func<string[], Task> embed, CancellationToken cancellationToken)
{
    var started = Stopwatch.GetTimestamp();
    var embedded = 0;
    while (embedded < corpus.Count && Stopwatch.GetElapsedTime(started) < timeLimit)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string[] batch = [.. corpus.Skip(embedded).Take(batchSize)];
        await embed(batch);
        embedded += batch.Length;
    }

    return (embedded / Stopwatch.GetElapsedTime(started).TotalSeconds, embedded);
}
