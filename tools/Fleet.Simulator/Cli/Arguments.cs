using System.Globalization;

namespace Fleet.Simulator.Cli;

/// <summary>
/// <c>--name value</c> pairs and <c>--flag</c> switches after the verb. Small on purpose: the simulator has two verbs
/// and a fixed option list (docs in <see cref="Usage"/>), so a parser library would be more code to read than this.
/// </summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public Arguments(IEnumerable<string> args, IReadOnlySet<string> switches)
    {
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var name = e.Current;
            if (!name.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument '{name}'");
            }

            name = name[2..];
            if (switches.Contains(name))
            {
                _values[name] = null;
                continue;
            }

            if (!e.MoveNext())
            {
                throw new UsageException($"--{name} needs a value");
            }

            _values[name] = e.Current;
        }
    }

    public bool Has(string name)
    {
        _read.Add(name);
        return _values.ContainsKey(name);
    }

    public string? String(string name)
    {
        _read.Add(name);
        return _values.GetValueOrDefault(name);
    }

    public string Required(string name) => String(name) ?? throw new UsageException($"--{name} is required");

    public double Double(string name, double fallback, double min = double.MinValue, double max = double.MaxValue)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"--{name} must be a number in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}], got '{text}'");
        }

        return value;
    }

    public long Long(string name, long fallback, long min = 0, long max = long.MaxValue)
    {
        var text = String(name);
        if (text is null)
        {
            return fallback;
        }

        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException($"--{name} must be an integer in [{min}, {max}], got '{text}'");
        }

        return value;
    }

    public int Int(string name, int fallback, int min = 0, int max = int.MaxValue) => (int)Long(name, fallback, min, max);

    public TimeSpan Seconds(string name, TimeSpan fallback) => TimeSpan.FromSeconds(Double(name, fallback.TotalSeconds, 0));

    /// <summary>Refuses options nobody asked for, so a typo (--rates) is an error, not a silently ignored setting.</summary>
    public void EnsureAllRead()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}");
        }
    }
}
