using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace AspireAi.Benchmarks.Embeddings;

/// <summary>Throughput of one batch size in both modes.</summary>
/// <param name="BatchSize">Sentences per inference or per request.</param>
/// <param name="DirectSentences">Sentences embedded by ONNX Runtime within the measurement's limits.</param>
/// <param name="DirectSentencesPerSecond">ONNX Runtime called in this process.</param>
/// <param name="ServiceSentences">Sentences embedded through the gateway, or null when the service mode was skipped.</param>
/// <param name="ServiceSentencesPerSecond">Through the gateway, or null when the service mode was skipped.</param>
/// <param name="Ratio">Service throughput divided by direct throughput, or null when the service mode was skipped.</param>
internal sealed record EmbeddingsResult(
    int BatchSize, int DirectSentences, double DirectSentencesPerSecond, int? ServiceSentences, double? ServiceSentencesPerSecond, double? Ratio);

/// <summary>Writes embeddings.json and embeddings.md.</summary>
internal static class EmbeddingsReport
{
    /// <summary>The suite's target: the service reaches at least 90 % of ONNX Runtime's own throughput.</summary>
    private const double TargetRatio = 0.90;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public static void Write(string outDir, IReadOnlyList<EmbeddingsResult> rows, bool serviceSkipped, bool quick, string loadAverage)
    {
        var bestDirect = rows.MaxBy(row => row.DirectSentencesPerSecond)!;
        var bestService = serviceSkipped ? null : rows.MaxBy(row => row.ServiceSentencesPerSecond ?? 0);
        double? bestRatio = bestService is null ? null : bestService.ServiceSentencesPerSecond / bestDirect.DirectSentencesPerSecond;
        bool? targetMet = bestRatio is null ? null : bestRatio >= TargetRatio;

        var document = new
        {
            Benchmark = "embeddings",
            Machine = new
            {
                ProcessorCount = Environment.ProcessorCount,
                Os = RuntimeInformation.OSDescription,
                Runtime = RuntimeInformation.FrameworkDescription,
                LoadAverageAtStart = loadAverage,
            },
            Model = "all-minilm-l6-v2",
            Quick = quick,
            ServiceSkipped = serviceSkipped,
            Results = rows,
            BestBatchSizeDirect = bestDirect.BatchSize,
            BestDirectSentencesPerSecond = bestDirect.DirectSentencesPerSecond,
            BestBatchSizeService = bestService?.BatchSize,
            BestServiceSentencesPerSecond = bestService?.ServiceSentencesPerSecond,
            BestServiceOverBestDirect = bestRatio,
            TargetRatio,
            TargetMet = targetMet,
        };
        File.WriteAllText(Path.Combine(outDir, "embeddings.json"), JsonSerializer.Serialize(document, JsonOptions) + "\n");

        var text = new StringBuilder();
        text.AppendLine("## Embeddings: all-MiniLM-L6-v2 through the service and through ONNX Runtime directly");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Sentences per second on generated short sentences (6 to 14 words), one batch at a time. Each batch size and mode embeds the same sentences until {(quick ? "128" : "1,024")} are done or {(quick ? 3 : 10)} s have passed. {Environment.ProcessorCount} cores, load average {loadAverage} at the start.");
        if (BusyMachineNote(loadAverage) is { Length: > 0 } busyNote)
        {
            text.AppendLine(busyNote);
        }

        text.AppendLine("Direct: ONNX Runtime in the benchmark process with the service's model file, tokenizer, session settings, mean pooling and normalisation.");
        text.AppendLine(serviceSkipped
            ? "Service: skipped, because no --gateway-url was given."
            : "Service: `POST /v1/embeddings` on the gateway with model all-minilm-l6-v2 and base64 vectors. The gateway forwards to embedding-search, which runs batches of at most 32 per inference.");
        text.AppendLine();
        text.AppendLine("| Batch size | Direct (sentences/s) | Direct sentences | Service (sentences/s) | Service sentences | Service / direct |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var serviceRate = row.ServiceSentencesPerSecond is { } rate ? rate.ToString("0.0", CultureInfo.InvariantCulture) : "skipped";
            var serviceSentences = row.ServiceSentences is { } count ? count.ToString(CultureInfo.InvariantCulture) : "-";
            var ratio = row.Ratio is { } value ? value.ToString("0.00", CultureInfo.InvariantCulture) : "n/a";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {row.BatchSize} | {row.DirectSentencesPerSecond:0.0} | {row.DirectSentences} | {serviceRate} | {serviceSentences} | {ratio} |");
        }

        text.AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"Best batch size: direct {bestDirect.BatchSize} ({bestDirect.DirectSentencesPerSecond:0.0} sentences/s)");
        text.AppendLine(bestService is null
            ? "."
            : string.Create(CultureInfo.InvariantCulture, $", service {bestService.BatchSize} ({bestService.ServiceSentencesPerSecond:0.0} sentences/s)."));
        text.AppendLine();
        text.AppendLine(targetMet is { } met
            ? string.Create(CultureInfo.InvariantCulture, $"- Target service ≥ 90 % of ONNX Runtime's throughput (best against best): **{(met ? "met" : "missed")}** ({bestRatio:P0}).")
            : "- Target service ≥ 90 % of ONNX Runtime's throughput: **not measured**, because the service mode was skipped.");
        text.AppendLine();
        File.WriteAllText(Path.Combine(outDir, "embeddings.md"), text.ToString());
    }

    // The 1-minute load average from /proc/loadavg, compared with the core count to flag a shared, busy machine.
    private static string BusyMachineNote(string loadAverage) =>
        double.TryParse(loadAverage.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var load) && load > Environment.ProcessorCount
            ? "The load average was above the core count, so other processes shared the CPU and these figures are slower than on an idle machine."
            : string.Empty;
}
