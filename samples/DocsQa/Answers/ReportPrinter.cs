using System.Globalization;
using AspireAi.Samples.DocsQa.Gateway;

namespace AspireAi.Samples.DocsQa.Answers;

/// <summary>Prints answers, the run's totals and the usage summary as plain text, with invariant number formats.</summary>
internal static class ReportPrinter
{
    public static void PrintAnswer(TextWriter output, int number, int count, Answer answer)
    {
        output.WriteLine(Format($"Question {number}/{count}: {answer.Question}"));
        output.WriteLine("  Passages:");
        foreach (var passage in answer.Passages)
        {
            output.WriteLine(Format($"    {passage.Score:0.000}  {passage.MemberName} ({passage.Assembly})"));
        }

        output.WriteLine("  Answer:");
        foreach (var line in answer.Text.ReplaceLineEndings("\n").Split('\n'))
        {
            output.WriteLine("    " + line);
        }

        var saved = answer.SavedCost is { } savedCost ? Format($" | saved {Money(savedCost)}") : string.Empty;
        var cost = answer.Cost is { } billed ? Money(billed) : answer.CostHeader;
        output.WriteLine(Format($"  Cost {cost} | cache {answer.CacheStatus}{saved} | model {answer.Model} | {answer.Elapsed.TotalSeconds:0.00} s"));
        output.WriteLine();
    }

    public static void PrintRunTotals(TextWriter output, IReadOnlyList<Answer> answers)
    {
        var billed = answers.Sum(answer => answer.Cost ?? 0m);
        var hits = answers.Count(answer => string.Equals(answer.CacheStatus, "hit", StringComparison.OrdinalIgnoreCase));
        var unpriced = answers.Count(answer => answer.Cost is null);
        var unpricedNote = unpriced > 0 ? Format($", {unpriced} without a price") : string.Empty;
        output.WriteLine(Format($"This run: {answers.Count} answers, {hits} cache hits, billed {Money(billed)}{unpricedNote}."));
        output.WriteLine();
    }

    public static void PrintUsage(TextWriter output, UsageSummary usage)
    {
        output.WriteLine(Format($"Usage of tenant {usage.TenantId} from {usage.From:yyyy-MM-dd} to {usage.To:yyyy-MM-dd} (UTC days):"));
        output.WriteLine("  Day         Model                        Requests  Cache hits  Input tok  Output tok        Cost  Saved by cache");
        foreach (var row in usage.ByDayAndModel)
        {
            output.WriteLine(FormatRow(row.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), row.Model, row.Totals));
        }

        output.WriteLine(FormatRow("Total", string.Empty, usage.Total));
        if (usage.Total.UnpricedRequests > 0)
        {
            output.WriteLine(Format($"  {usage.Total.UnpricedRequests:N0} requests used a model without a price; their cost is not in the totals."));
        }
    }

    private static string FormatRow(string day, string model, UsageTotals totals) =>
        Format($"  {day,-10}  {model,-27}  {totals.Requests,8:N0}  {totals.CacheHits,10:N0}  {totals.InputTokens,9:N0}  {totals.OutputTokens,10:N0}  {Money(totals.Cost),10}  {Money(totals.CacheSavedCost),14}");

    private static string Money(decimal amount) => "$" + amount.ToString("0.000000", CultureInfo.InvariantCulture);

    private static string Format(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
