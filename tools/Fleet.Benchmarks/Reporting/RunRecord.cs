namespace Fleet.Benchmarks.Reporting;

/// <summary>One scenario in one run: its raw numbers (by key), notes, and the error if it failed.</summary>
internal sealed class RunRecord(string scenario, int run)
{
    public string Scenario { get; } = scenario;

    public int Run { get; } = run;

    public SortedDictionary<string, double> Values { get; } = new(StringComparer.Ordinal);

    public List<string> Notes { get; } = [];

    public string? Error { get; set; }

    public double? this[string key] => Values.TryGetValue(key, out var value) && double.IsFinite(value) ? value : null;

    /// <summary>Stores a finite value; NaN or infinity (nothing measured) is left out rather than written as JSON it cannot be.</summary>
    public void Set(string key, double value)
    {
        if (double.IsFinite(value))
        {
            Values[key] = Math.Round(value, 3);
        }
    }
}
