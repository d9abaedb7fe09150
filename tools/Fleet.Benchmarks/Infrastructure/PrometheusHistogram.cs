using System.Globalization;

using Fleet.Testing.Metrics;

namespace Fleet.Benchmarks.Infrastructure;

/// <summary>
/// One histogram from a /metrics scrape (every series of the name summed, by bucket), so that two scrapes give the
/// histogram of what happened between them: mean from sum/count, quantiles from the buckets as Prometheus'
/// <c>histogram_quantile</c> estimates them (linear within the bucket).
/// </summary>
internal sealed record PrometheusHistogram(IReadOnlyList<(double Le, double Count)> Buckets, double Sum, double Count)
{
    public static PrometheusHistogram Of(IReadOnlyList<PrometheusSample> samples, string name)
    {
        var buckets = samples.Named($"{name}_bucket")
            .Where(s => s.Labels.ContainsKey("le"))
            .GroupBy(s => Le(s.Labels["le"]))
            .Select(g => (Le: g.Key, Count: g.Sum(s => s.Value)))
            .OrderBy(b => b.Le)
            .ToList();
        return new PrometheusHistogram(buckets, samples.Sum($"{name}_sum"), samples.Sum($"{name}_count"));
    }

    /// <summary>What was recorded since <paramref name="before"/> (an earlier scrape of the same process).</summary>
    public PrometheusHistogram Since(PrometheusHistogram before) => new(
        [.. Buckets.Select(b => (b.Le, b.Count - before.Buckets.Where(o => o.Le == b.Le).Sum(o => o.Count)))],
        Sum - before.Sum,
        Count - before.Count);

    public double? Mean => Count > 0 ? Sum / Count : null;

    /// <summary>The <paramref name="q"/> quantile; in the +Inf bucket, the highest finite bound (a lower bound).</summary>
    public double? Quantile(double q)
    {
        if (Count <= 0 || Buckets.Count == 0)
        {
            return null;
        }

        var rank = q * Buckets[^1].Count;
        var (lower, below) = (0.0, 0.0);
        foreach (var (le, count) in Buckets)
        {
            if (count >= rank)
            {
                return double.IsPositiveInfinity(le) ? lower : count == below ? le : lower + (le - lower) * (rank - below) / (count - below);
            }

            (lower, below) = (le, count);
        }

        return lower;
    }

    private static double Le(string value) =>
        value == "+Inf" ? double.PositiveInfinity : double.Parse(value, CultureInfo.InvariantCulture);
}
