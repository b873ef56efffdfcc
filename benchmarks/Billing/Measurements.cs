using System.Diagnostics;
using AspireAi.BillingClient;

namespace AspireAi.Benchmarks.Billing;

/// <summary>The rate of one way of delivering usage rows.</summary>
/// <param name="Path">How the rows travelled.</param>
/// <param name="Rows">Rows handed to the path.</param>
/// <param name="Delivered">Rows that billing acknowledged.</param>
/// <param name="Seconds">Wall-clock time of the delivery.</param>
/// <param name="RowsPerSecond">Delivered rows per second.</param>
internal sealed record IngestResult(string Path, int Rows, int Delivered, double Seconds, double RowsPerSecond);

/// <summary>The timed parts of the billing benchmark.</summary>
internal static class Measurements
{
    /// <summary>Creates a priced usage row of the benchmark tenant with a request id unique to the run.</summary>
    public static UsageRecord Row(BenchmarkTenant tenant, string runId, string phase, int index) => new(
        $"bench-{runId}-{phase}-{index}",
        tenant.TenantId,
        tenant.KeyId,
        "completion",
        "openai",
        "gpt-4o-mini",
        InputTokens: 1_200,
        CachedInputTokens: 0,
        OutputTokens: 300,
        CacheHit: false,
        OccurredAt: DateTimeOffset.UtcNow);

    /// <summary>
    /// Fills the outbox with <paramref name="rows"/> records (not timed), then times one delivery round of the outbox,
    /// which sends them to billing's batch route in batches of the outbox's batch size.
    /// </summary>
    public static async Task<IngestResult> DrainOutboxAsync(
        DeliveryPath path, BenchmarkTenant tenant, string runId, string phase, int rows, int batchSize, CancellationToken cancellationToken)
    {
        path.FillOutbox(Enumerable.Range(0, rows).Select(i => Row(tenant, runId, phase, i)));

        var started = Stopwatch.GetTimestamp();
        var (delivered, failure) = await path.Outbox.DeliverPendingAsync(cancellationToken);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        if (failure is not null)
        {
            throw new InvalidOperationException($"The outbox delivery stopped after {delivered} of {rows} rows: {failure.Message}", failure);
        }

        return new IngestResult($"Outbox drain, batches of {batchSize}", rows, delivered, seconds, delivered / seconds);
    }

    /// <summary>
    /// Times <paramref name="rows"/> calls of <see cref="UsageOutbox.SubmitAsync"/> from <paramref name="concurrency"/>
    /// workers, the path of each gateway request: the record is written to the outbox file, sent alone to billing, and
    /// the file deleted on acknowledgement.
    /// </summary>
    public static async Task<IngestResult> SubmitEachAsync(
        DeliveryPath path, BenchmarkTenant tenant, string runId, int rows, int concurrency, CancellationToken cancellationToken)
    {
        var next = -1;
        var delivered = 0;
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < rows && !cancellationToken.IsCancellationRequested)
            {
                if (await path.Outbox.SubmitAsync(Row(tenant, runId, "single", index)) is not null)
                {
                    Interlocked.Increment(ref delivered);
                }
            }
        });
        await Task.WhenAll(workers);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        cancellationToken.ThrowIfCancellationRequested();

        if (delivered < rows)
        {
            // A record that was not acknowledged waits in the outbox. Delivering it now keeps the row count check exact.
            var (redelivered, failure) = await path.Outbox.DeliverPendingAsync(cancellationToken);
            Console.Error.WriteLine($"{rows - delivered} rows were left in the outbox by the per-request path, and {redelivered} of them were delivered afterwards.");
            if (failure is not null)
            {
                throw new InvalidOperationException($"Rows left in the outbox could not be delivered: {failure.Message}", failure);
            }
        }

        return new IngestResult($"Per request, {concurrency} concurrent", rows, delivered, seconds, delivered / seconds);
    }

    /// <summary>
    /// Times <paramref name="count"/> budget reservations made one after another as the gateway makes them, through
    /// <see cref="BillingApiClient.ReserveBudgetAsync"/>. Each reservation is released afterwards, outside the timing,
    /// so the tenant's counter holds few open reservations, as it does when requests finish.
    /// </summary>
    public static async Task<LatencySummary> ReserveAsync(
        DeliveryPath path, BenchmarkTenant tenant, string runId, int warmup, int count, CancellationToken cancellationToken)
    {
        var billing = path.Billing;
        var latencies = new List<double>(count);
        for (var i = 0; i < warmup + count; i++)
        {
            var request = new BudgetReservationRequest($"bench-{runId}-reserve-{i}", tenant.TenantId, tenant.KeyId, "openai", "gpt-4o-mini", 0.001m);
            var started = Stopwatch.GetTimestamp();
            var result = await billing.ReserveBudgetAsync(request, cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (result.Reservation is not { } reservation)
            {
                throw new InvalidOperationException($"Reservation {i} was rejected: {result.Refusal?.Message}");
            }

            if (reservation.BudgetIds.Count == 0)
            {
                throw new InvalidOperationException("The reservation applied no budget, so it skipped the budget check. Check that the benchmark tenant has its hard budget.");
            }

            if (i >= warmup)
            {
                latencies.Add(elapsed);
            }

            await billing.ReleaseBudgetAsync(reservation, cancellationToken);
        }

        return LatencySummary.From(latencies);
    }
}
