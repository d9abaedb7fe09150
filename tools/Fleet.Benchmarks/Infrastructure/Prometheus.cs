using System.Globalization;

namespace Fleet.Benchmarks.Infrastructure;

/// <summary>Sums samples of a Prometheus text exposition by metric name and label filter.</summary>
internal static class Prometheus
{
    /// <summary>Sum of every sample of <paramref name="name"/> whose labels contain all of <paramref name="labels"/> (e.g. kind="state").</summary>
    public static double Sum(string text, string name, params string[] labels)
    {
        double sum = 0;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#' || !line.StartsWith(name, StringComparison.Ordinal))
            {
                continue;
            }

            var rest = line[name.Length..];
            if (rest.Length == 0 || (rest[0] != '{' && rest[0] != ' '))
            {
                continue;
            }

            var labelEnd = rest[0] == '{' ? rest.IndexOf('}', StringComparison.Ordinal) : -1;
            var labelText = labelEnd > 0 ? rest[..labelEnd] : string.Empty;
            if (!labels.All(l => labelText.Contains(l, StringComparison.Ordinal)))
            {
                continue;
            }

            var value = rest[(labelEnd + 1)..].Trim().Split(' ')[0];
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                sum += number;
            }
        }

        return sum;
    }
}
