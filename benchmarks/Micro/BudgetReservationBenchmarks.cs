using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AspireAi.Billing.Budgets;
using BenchmarkDotNet.Attributes;
using Garnet;
using StackExchange.Redis;

namespace AspireAi.Benchmarks.Micro;

/// <summary>
/// The Redis part of a budget reservation: billing's <c>SpendCounter</c> Lua scripts against a Garnet server that
/// this benchmark starts in its own process on a free loopback port. The reservation that the gateway makes is an
/// HTTP call to billing, which also reads the budgets from PostgreSQL. The Billing benchmark measures that whole call.
/// </summary>
[MemoryDiagnoser]
public class BudgetReservationBenchmarks
{
    private static readonly TimeSpan ReservationLifetime = TimeSpan.FromMinutes(5);

    private GarnetServer _server = null!;
    private ConnectionMultiplexer _redis = null!;
    private SpendCounter _counter = null!;
    private CounterTarget[] _targets = [];
    private long _requestNumber;

    [GlobalSetup]
    public void Setup()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        _server = new GarnetServer(["--bind", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--lua", "--logger-level", "Warning"]);
        _server.Start();
        _redis = ConnectionMultiplexer.Connect($"127.0.0.1:{port}");
        _counter = new SpendCounter(_redis);

        // One hard tenant budget and one soft key budget, the common case of a tenant with a per-key limit.
        var tenantId = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow;
        var tenantBudget = new Budget(Guid.NewGuid(), tenantId, null, null, BudgetPeriod.Monthly, 100_000m, BudgetEnforcement.Hard, [80], null, "UTC");
        var keyBudget = new Budget(Guid.NewGuid(), tenantId, Guid.NewGuid(), null, BudgetPeriod.Daily, 50_000m, BudgetEnforcement.Soft, [80], null, "UTC");
        _targets =
        [
            new CounterTarget(tenantBudget, BudgetPeriods.WindowOf(tenantBudget, now)),
            new CounterTarget(keyBudget, BudgetPeriods.WindowOf(keyBudget, now)),
        ];
        LoadCounters();
    }

    /// <summary>Starts again from empty counters, so earlier reservations never fill the budget.</summary>
    /// <remarks>
    /// Not an [IterationCleanup]: BenchmarkDotNet then runs one invocation per iteration. A benchmark run makes at most
    /// a few hundred thousand reservations of $0.0004, far below the $50,000 limit, so the benchmarks need no reload.
    /// </remarks>
    public void ReloadCounters()
    {
        foreach (var target in _targets)
        {
            _counter.DeleteAsync(target).GetAwaiter().GetResult();
        }

        LoadCounters();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _redis.Dispose();
        _server.Dispose();
    }

    [Benchmark(Description = "Budget reserve (Lua, 2 budgets)")]
    public async Task<bool> Reserve()
    {
        var result = await ReserveNextAsync();
        return result.Outcome == ReserveOutcome.Reserved;
    }

    [Benchmark(Description = "Budget reserve then release (2 Lua calls)")]
    public async Task<IReadOnlyList<decimal?>> ReserveThenRelease()
    {
        var requestId = NextRequestId();
        await _counter.ReserveAsync(_targets, requestId, 0.0004m, DateTimeOffset.UtcNow, ReservationLifetime);
        return await _counter.SettleAsync(_targets, requestId, cost: null);
    }

    /// <summary>
    /// Times <paramref name="count"/> single reservations one after another, after <paramref name="warmup"/> untimed ones,
    /// and returns each latency in milliseconds. BenchmarkDotNet reports means, and the budget target is a p99.
    /// </summary>
    public double[] MeasureReservationLatencies(int warmup, int count)
    {
        for (var i = 0; i < warmup; i++)
        {
            ReserveNextAsync().GetAwaiter().GetResult();
        }

        ReloadCounters();
        var latencies = new double[count];
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var result = ReserveNextAsync().GetAwaiter().GetResult();
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (result.Outcome != ReserveOutcome.Reserved)
            {
                throw new InvalidOperationException($"Reservation {i} was not admitted: {result.Outcome}. The benchmark budgets should have room for every reservation.");
            }
        }

        return latencies;
    }

    private Task<ReserveResult> ReserveNextAsync() =>
        _counter.ReserveAsync(_targets, NextRequestId(), 0.0004m, DateTimeOffset.UtcNow, ReservationLifetime);

    private string NextRequestId() =>
        "bench-" + Interlocked.Increment(ref _requestNumber).ToString(CultureInfo.InvariantCulture);

    private void LoadCounters()
    {
        foreach (var target in _targets)
        {
            _counter.LoadAsync(target, 0m).GetAwaiter().GetResult();
        }
    }
}
