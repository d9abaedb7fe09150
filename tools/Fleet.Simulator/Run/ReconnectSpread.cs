namespace Fleet.Simulator.Run;

/// <summary>
/// When detectors got back after losing the broker (not after a simulated crash), in seconds after the first loss any
/// detector noticed: a synchronized herd shows as one spike, jittered backoff as a spread. <see cref="PerSecond"/>
/// counts the reconnects in each second since that first loss.
/// </summary>
internal sealed record ReconnectSpread(int Reconnected, double FirstSeconds, double P50Seconds, double P90Seconds, double LastSeconds, IReadOnlyList<int> PerSecond)
{
    public static ReconnectSpread? From(IReadOnlyList<double> offsets)
    {
        if (offsets.Count == 0)
        {
            return null;
        }

        var sorted = offsets.Order().ToArray();
        var perSecond = new int[(int)sorted[^1] + 1];
        foreach (var offset in sorted)
        {
            perSecond[(int)offset]++;
        }

        return new ReconnectSpread(sorted.Length, Round(sorted[0]), Round(At(sorted, 0.5)), Round(At(sorted, 0.9)), Round(sorted[^1]), perSecond);
    }

    private static double At(double[] sorted, double quantile) => sorted[Math.Min(sorted.Length - 1, (int)(quantile * sorted.Length))];

    private static double Round(double value) => Math.Round(value, 3);
}
