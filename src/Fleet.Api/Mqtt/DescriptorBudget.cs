namespace Fleet.Api.Mqtt;

/// <summary>
/// Keeps the embedded broker's connection cap within the process's open-file limit: at most half of it, so HTTP, the
/// database and the logs keep the other half while the broker is full (idle connections once used up every descriptor
/// and even /health/live stopped answering). Read from /proc/self/limits on Linux; elsewhere the configured cap stands.
/// </summary>
internal static class DescriptorBudget
{
    private const string LimitsFile = "/proc/self/limits";

    /// <summary>The process's soft open-file limit, or null when unknown or unlimited.</summary>
    public static long? OpenFileLimit()
    {
        try
        {
            return File.Exists(LimitsFile) ? Parse(File.ReadAllText(LimitsFile)) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The "Max open files" soft limit in the text of /proc/self/limits.</summary>
    public static long? Parse(string limits)
    {
        const string Name = "Max open files";
        foreach (var line in limits.Split('\n'))
        {
            if (line.StartsWith(Name, StringComparison.Ordinal))
            {
                var soft = line[Name.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
                return long.TryParse(soft, out var value) ? value : null;
            }
        }

        return null;
    }

    /// <summary><paramref name="configured"/>, or half of <paramref name="openFileLimit"/> when that is lower (at least 1).</summary>
    public static int Cap(int configured, long? openFileLimit) =>
        openFileLimit is { } limit ? (int)Math.Max(1, Math.Min(configured, limit / 2)) : configured;
}
