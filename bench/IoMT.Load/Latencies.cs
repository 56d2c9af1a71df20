using System.Diagnostics;

namespace IoMT.Load;

/// <summary>Percentiles of a set of latencies, in milliseconds (nearest rank).</summary>
public sealed record LatencySummary(int Count, double P50, double P95, double P99, double Max)
{
    public static LatencySummary Of(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        if (sorted.Length == 0)
        {
            return new LatencySummary(0, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        double Rank(double p) => Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)], 1);
        return new LatencySummary(sorted.Length, Rank(0.50), Rank(0.95), Rank(0.99), Math.Round(sorted[^1], 1));
    }

    public override string ToString() => Count == 0 ? "none" : $"p50 {P50:0.0} ms, p95 {P95:0.0} ms, p99 {P99:0.0} ms, max {Max:0.0} ms ({Count:N0})";
}

/// <summary>One clock for the whole run (monotonic), so that times taken on different threads compare.</summary>
public static class Clock
{
    public static long Now => Stopwatch.GetTimestamp();

    public static double Milliseconds(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    public static long After(long from, TimeSpan span) => from + (long)(span.TotalSeconds * Stopwatch.Frequency);
}
