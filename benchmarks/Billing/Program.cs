using System.Globalization;
using AspireAi.Benchmarks.Billing;

const string Usage = """
    Usage: AspireAi.Benchmarks.Billing --out-dir DIR --billing-url URL --billing-internal-key KEY --billing-admin-key KEY [--quick] [--rows N]

    Measures usage rows ingested per second through the gateway's billing client and outbox into a running billing
    service, and the latency of budget reservations. Creates a new tenant, API key and budget through the admin API.
    Writes DIR/billing.json and DIR/billing.md.
      --out-dir DIR                folder for the results; created when missing
      --billing-url URL            billing's base URL, such as http://127.0.0.1:5090
      --billing-internal-key KEY   the Billing:InternalKey value, for the usage and reservation routes
      --billing-admin-key KEY      the Billing:AdminKey value, for creating the tenant, key and budget
      --rows N                     the most rows per outbox drain (default 100,000, or 10,000 with --quick); each drain is
                                   sized to last about 60 s (15 s with --quick) at the rate of a first short drain, and
                                   the per-request path sends a tenth of a drain
      --quick                      shorter phases and 1,000 instead of 5,000 reservations, for a smoke run
    """;

string? outDir = null;
Uri? billingUrl = null;
string? internalKey = null;
string? adminKey = null;
int? rowsOption = null;
var quick = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--out-dir" when i + 1 < args.Length:
            outDir = args[++i];
            break;
        case "--billing-url" when i + 1 < args.Length:
            if (!Uri.TryCreate(args[++i], UriKind.Absolute, out billingUrl) || billingUrl.Scheme is not ("http" or "https"))
            {
                Console.Error.WriteLine($"Invalid --billing-url '{args[i]}': pass an absolute http or https URL such as http://127.0.0.1:5090.");
                return 2;
            }

            break;
        case "--billing-internal-key" when i + 1 < args.Length:
            internalKey = args[++i];
            break;
        case "--billing-admin-key" when i + 1 < args.Length:
            adminKey = args[++i];
            break;
        case "--rows" when i + 1 < args.Length:
            if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var rows) || rows is < 100 or > 1_000_000)
            {
                Console.Error.WriteLine($"Invalid --rows '{args[i]}': pass a whole number from 100 to 1,000,000.");
                return 2;
            }

            rowsOption = rows;
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

var missing = new List<string>();
if (string.IsNullOrWhiteSpace(outDir))
{
    missing.Add("--out-dir");
}

if (billingUrl is null)
{
    missing.Add("--billing-url");
}

if (string.IsNullOrWhiteSpace(internalKey))
{
    missing.Add("--billing-internal-key");
}

if (string.IsNullOrWhiteSpace(adminKey))
{
    missing.Add("--billing-admin-key");
}

if (missing.Count > 0)
{
    Console.Error.WriteLine($"Missing {string.Join(", ", missing)}.");
    Console.Error.WriteLine(Usage);
    return 2;
}

Directory.CreateDirectory(outDir!);
var loadAverage = File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
var maxDrainRows = rowsOption ?? (quick ? 10_000 : 100_000);
var calibrationRows = Math.Min(maxDrainRows, quick ? 500 : 1_000);
var secondsPerPhase = quick ? 15 : 60;
var reservations = quick ? 1_000 : 5_000;
var runId = DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..6];
var work = Path.Combine(Path.GetTempPath(), "aspireai-bench-billing-" + runId);

using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(quick ? 5 : 15));
using var admin = new BillingAdmin(billingUrl!, adminKey!);
try
{
    Console.Error.WriteLine("Creating a benchmark tenant and API key through billing's admin API...");
    var tenant = await admin.CreateTenantAsync("billing-benchmark-" + runId, cancellation.Token);
    var before = await admin.CountRowsAsync(tenant.ApiKey, cancellation.Token);

    // A short drain first warms billing up and sizes the timed phases, so each takes about secondsPerPhase
    // whatever this machine's speed, up to the maximum row count.
    int drainRows;
    using (var path = new DeliveryPath(billingUrl!, internalKey!, Path.Combine(work, "calibration"), batchSize: 100))
    {
        Console.Error.WriteLine($"Calibrating with {calibrationRows:N0} rows...");
        var calibration = await Measurements.DrainOutboxAsync(path, tenant, runId, "calibration", calibrationRows, 100, cancellation.Token);
        drainRows = (int)Math.Clamp(calibration.RowsPerSecond * secondsPerPhase, calibrationRows, maxDrainRows);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {calibration.RowsPerSecond:N0} rows/s, so each drain sends {drainRows:N0} rows"));
    }

    var submitRows = Math.Max(100, drainRows / 10);
    var ingest = new List<IngestResult>();
    foreach (var batchSize in new[] { 100, 1_000 })
    {
        var phase = "batch" + batchSize.ToString(CultureInfo.InvariantCulture);
        using var path = new DeliveryPath(billingUrl!, internalKey!, Path.Combine(work, phase), batchSize);
        Console.Error.WriteLine($"Draining {drainRows:N0} rows from the outbox in batches of {batchSize}...");
        var result = await Measurements.DrainOutboxAsync(path, tenant, runId, phase, drainRows, batchSize, cancellation.Token);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {result.RowsPerSecond:N0} rows/s"));
        ingest.Add(result);
    }

    using (var path = new DeliveryPath(billingUrl!, internalKey!, Path.Combine(work, "submit"), batchSize: 100))
    {
        Console.Error.WriteLine($"Submitting {submitRows:N0} rows one per call from 32 workers...");
        var result = await Measurements.SubmitEachAsync(path, tenant, runId, submitRows, concurrency: 32, cancellation.Token);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {result.RowsPerSecond:N0} rows/s"));
        ingest.Add(result);
    }

    var after = await admin.CountRowsAsync(tenant.ApiKey, cancellation.Token);
    var expected = calibrationRows + (2L * drainRows) + submitRows;

    Console.Error.WriteLine($"Timing {reservations:N0} budget reservations against a hard monthly budget...");
    await admin.CreateHardBudgetAsync(tenant.TenantId, 10_000m, cancellation.Token);
    LatencySummary reservation;
    using (var path = new DeliveryPath(billingUrl!, internalKey!, Path.Combine(work, "reserve"), batchSize: 100))
    {
        reservation = await Measurements.ReserveAsync(path, tenant, runId, warmup: quick ? 100 : 500, reservations, cancellation.Token);
    }

    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  p50 {reservation.P50Ms:0.000} ms, p99 {reservation.P99Ms:0.000} ms"));

    BillingReport.Write(outDir!, ingest, after - before, expected, reservation, quick, loadAverage);
    Console.Error.WriteLine($"Wrote {Path.Combine(outDir!, "billing.json")} and {Path.Combine(outDir!, "billing.md")}.");
    if (after - before != expected)
    {
        Console.Error.WriteLine($"Billing counted {after - before:N0} new rows, but {expected:N0} were sent and acknowledged.");
        return 1;
    }

    return 0;
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.Error.WriteLine("The billing benchmark did not finish within its time limit.");
    return 1;
}
catch (Exception exception) when (exception is HttpRequestException or InvalidOperationException)
{
    Console.Error.WriteLine($"The billing benchmark failed: {exception.Message}");
    return 1;
}
finally
{
    if (Directory.Exists(work))
    {
        Directory.Delete(work, recursive: true);
    }
}
