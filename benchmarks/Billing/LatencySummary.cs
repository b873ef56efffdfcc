namespace AspireAi.Benchmarks.Billing;

/// <summary>Percentiles of a list of latencies, in milliseconds.</summary>
internal sealed record LatencySummary(int Count, double P50Ms, double P90Ms, double P99Ms, double P999Ms, double MaxMs)
{
    public static LatencySummary From(IReadOnlyCollection<double> latencies)
    {
        var sorted = latencies.Order().ToArray();
        return new LatencySummary(
            sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.90), Percentile(sorted, 0.99), Percentile(sorted, 0.999), sorted[^1]);
    }

    // Nearest-rank percentile: the smallest value with at least the fraction of values at or below it.
    private static double Percentile(double[] sorted, double fraction) =>
        sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Length) - 1, 0, sorted.Length - 1)];
}
