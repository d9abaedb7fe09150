namespace Fleet.Agent.Tests.Ngrok;

/// <summary>The files in Ngrok/Fixtures, copied next to the test assembly.</summary>
internal static class Fixtures
{
    public static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Ngrok", "Fixtures", name);

    public static string Read(string name) => File.ReadAllText(PathOf(name));

    public static string[] Lines(string name) => [.. File.ReadAllLines(PathOf(name)).Where(l => l.Length > 0)];
}
