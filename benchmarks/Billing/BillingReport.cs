using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace AspireAi.Benchmarks.Billing;

/// <summary>Writes billing.json and billing.md.</summary>
internal static class BillingReport
{
    // The benchmark suite's targets.
    private const double IngestTargetRowsPerSecond = 20_000;
    private const double ReservationTargetP99Ms = 1.0;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public static void Write(
        string outDir, IReadOnlyList<IngestResult> ingest, long rowsCounted, long rowsExpected, LatencySummary reservation, bool quick, string loadAverage)
    {
        var best = ingest.MaxBy(result => result.RowsPerSecond)!;
        var ingestMet = best.RowsPerSecond >= IngestTargetRowsPerSecond;
        var reservationMet = reservation.P99Ms <= ReservationTargetP99Ms;
        var document = new
        {
            Benchmark = "billing",
            Machine = new
            {
                ProcessorCount = Environment.ProcessorCount,
                Os = RuntimeInformation.OSDescription,
                Runtime = RuntimeInformation.FrameworkDescription,
                LoadAverageAtStart = loadAverage,
            },
            Quick = quick,
            Results = ingest,
            RowsCountedByBilling = rowsCounted,
            RowsExpected = rowsExpected,
            Reservation = reservation,
            Targets = new object[]
            {
                new { Name = "billing ingest rows/s", Target = IngestTargetRowsPerSecond, Measured = best.RowsPerSecond, best.Path, Met = ingestMet },
                new { Name = "reservation p99 ms", Target = ReservationTargetP99Ms, Measured = reservation.P99Ms, Met = reservationMet },
            },
        };
        File.WriteAllText(Path.Combine(outDir, "billing.json"), JsonSerializer.Serialize(document, JsonOptions) + "\n");

        var text = new StringBuilder();
        text.AppendLine("## Billing: usage ingest into PostgreSQL and budget reservations");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Usage rows sent with the gateway's own billing client and outbox (`UsageOutbox`) to a running billing service for a new tenant without budgets, {Environment.ProcessorCount} cores, load average {loadAverage} at the start.");
        if (BusyMachineNote(loadAverage) is { Length: > 0 } busyNote)
        {
            text.AppendLine(busyNote);
        }

        text.AppendLine("The outbox drain times one delivery round over records already in the outbox folder, as the background worker sends them after an outage. The per-request path times `SubmitAsync`, which each gateway request calls.");
        text.AppendLine("Row counts are sized from a first short drain so each phase lasts about a minute (15 s with --quick), up to 100,000 rows.");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Billing's usage summary counted {rowsCounted:N0} new rows for {rowsExpected:N0} sent{(rowsCounted == rowsExpected ? ", so each row was stored exactly once" : ": **the counts differ**")}.");
        text.AppendLine();
        text.AppendLine("| Delivery path | Rows | Acknowledged | Seconds | Rows/s |");
        text.AppendLine("|---|---:|---:|---:|---:|");
        foreach (var row in ingest)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Path} | {row.Rows:N0} | {row.Delivered:N0} | {row.Seconds:0.00} | {row.RowsPerSecond:N0} |");
        }

        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Budget reservations as the gateway makes them (`BillingApiClient.ReserveBudgetAsync`, an HTTP call to billing, which reads the budgets from PostgreSQL and runs the Redis reservation script), one at a time against a hard monthly budget, {reservation.Count:N0} timed calls:");
        text.AppendLine();
        text.AppendLine("| p50 | p90 | p99 | p99.9 | max |");
        text.AppendLine("|---:|---:|---:|---:|---:|");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {reservation.P50Ms:0.000} ms | {reservation.P90Ms:0.000} ms | {reservation.P99Ms:0.000} ms | {reservation.P999Ms:0.000} ms | {reservation.MaxMs:0.000} ms |");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"- Target billing ingest ≥ 20,000 rows/s: **{(ingestMet ? "met" : "missed")}** ({best.RowsPerSecond:N0} rows/s, {best.Path.ToLowerInvariant()}).");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"- Target reservation p99 ≤ 1 ms: **{(reservationMet ? "met" : "missed")}** ({reservation.P99Ms:0.000} ms).");
        text.AppendLine();
        File.WriteAllText(Path.Combine(outDir, "billing.md"), text.ToString());
    }

    // The 1-minute load average from /proc/loadavg, compared with the core count to flag a shared, busy machine.
    private static string BusyMachineNote(string loadAverage) =>
        double.TryParse(loadAverage.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var load) && load > Environment.ProcessorCount
            ? "The load average was above the core count, so other processes shared the CPU and these figures are slower than on an idle machine."
            : string.Empty;
}
