namespace Fleet.Benchmarks;

/// <summary>Progress on stderr with the time of day, so a long run shows where it is.</summary>
internal static class Log
{
    public static void Line(string message) =>
        Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");
}
