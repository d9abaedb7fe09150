using System.Globalization;

namespace Fleet.Benchmarks.Reporting;

/// <summary>Median with min-max over the runs that produced a value.</summary>
internal sealed record Stat(double Median, double Min, double Max, int Count)
{
    public static Stat? Of(IEnumerable<double?> values)
    {
        var list = values.Where(v => v is { } x && double.IsFinite(x)).Select(v => v!.Value).Order().ToList();
        if (list.Count == 0)
        {
            return null;
        }

        var median = list.Count % 2 == 1 ? list[list.Count / 2] : (list[(list.Count / 2) - 1] + list[list.Count / 2]) / 2;
        return new Stat(median, list[0], list[^1], list.Count);
    }

    public string Format(string format, string unit = "") =>
        Count == 1 || Min == Max
            ? $"{Median.ToString(format, CultureInfo.InvariantCulture)}{unit}"
            : $"{Median.ToString(format, CultureInfo.InvariantCulture)}{unit} ({Min.ToString(format, CultureInfo.InvariantCulture)}–{Max.ToString(format, CultureInfo.InvariantCulture)})";
}
