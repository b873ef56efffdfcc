using System.Globalization;
using AspireAi.Ingest.Upload;
using Spectre.Console;

namespace AspireAi.Ingest;

/// <summary>Shows progress as Spectre.Console progress bars and prints the summary table.</summary>
internal sealed class ConsoleReport(ProgressTask readTask, ProgressTask uploadTask) : IIngestProgress
{
    private const int MaxListedProblems = 20;

    public void FilesRead(int done, int total)
    {
        readTask.MaxValue = Math.Max(total, 1);
        readTask.Value = done;
    }

    public void DocumentsUploaded(int done, int total)
    {
        uploadTask.Description = "Uploading documents";
        uploadTask.MaxValue = Math.Max(total, 1);
        uploadTask.Value = done;
    }

    public void Retrying(RetryNotice notice) =>
        uploadTask.Description = Markup.Escape(string.Create(
            CultureInfo.InvariantCulture,
            $"Attempt {notice.Attempt} of {notice.MaxAttempts} failed ({notice.Reason}); retrying in {notice.Delay.TotalSeconds:0.#} s"));

    /// <summary>Prints the counts, then the skipped files and failed documents, at most 20 of each.</summary>
    public static void PrintSummary(IAnsiConsole console, IngestSummary summary, string collection, bool dryRun)
    {
        var table = new Table()
            .Border(TableBorder.Rounded)
            .Title(dryRun ? "Dry run: nothing was uploaded" : $"Ingested into '{Markup.Escape(collection)}'")
            .AddColumn("Measure")
            .AddColumn(new TableColumn("Value").RightAligned());
        table.AddRow("Files found", Format(summary.FilesFound));
        table.AddRow("Files skipped", Format(summary.FilesSkipped));
        table.AddRow("Documents read", Format(summary.DocumentsRead));
        if (!dryRun)
        {
            table.AddRow("Documents stored", Format(summary.Documents));
            table.AddRow("Chunks stored", Format(summary.Chunks));
        }

        table.AddRow("Seconds", summary.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture));
        if (!dryRun)
        {
            table.AddRow("Documents per second", summary.DocumentsPerSecond.ToString("0.0", CultureInfo.InvariantCulture));
            table.AddRow("Failures", summary.Failures.Count > 0 ? $"[red]{Format(summary.Failures.Count)}[/]" : "0");
        }

        console.Write(table);

        PrintProblems(console, "Skipped", summary.Skipped, "yellow");
        PrintProblems(console, "Failed", summary.Failures, "red");
        if (summary.AbortReason is { } abortReason)
        {
            console.MarkupLine($"[red]Stopped early:[/] {Markup.Escape(abortReason)}");
        }
    }

    private static void PrintProblems(IAnsiConsole console, string heading, IReadOnlyList<IngestProblem> problems, string color)
    {
        if (problems.Count == 0)
        {
            return;
        }

        console.MarkupLine($"[{color}]{heading} ({Format(problems.Count)}):[/]");
        foreach (var problem in problems.Take(MaxListedProblems))
        {
            var label = problem.DocumentId is null ? problem.Source : $"{problem.Source} ({problem.DocumentId})";
            console.MarkupLine($"  {Markup.Escape(label)}: {Markup.Escape(problem.Reason)}");
        }

        if (problems.Count > MaxListedProblems)
        {
            console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"  … and {problems.Count - MaxListedProblems:N0} more."));
        }
    }

    private static string Format(int value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
