namespace Fleet.Testing;

/// <summary>The repository (the folder holding Fleet.sln) and what its build puts where, for every test project and tool.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } =
        FindAbove(AppContext.BaseDirectory) ?? throw new InvalidOperationException("Fleet.sln not found above " + AppContext.BaseDirectory);

    /// <summary>The build configuration the caller was built in, so the processes it starts come from the same build.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The API as built next to these tests (same configuration), run as a real process.</summary>
    public static string ApiAssembly => Path.Combine(Root, "src", "Fleet.Api", "bin", Configuration, "net10.0", "fleet-api.dll");

    /// <summary>The operator's command-line tool, <c>fleet</c> (run as <c>dotnet fleet.dll</c>).</summary>
    public static string CliAssembly => Path.Combine(Root, "src", "Fleet.Cli", "bin", Configuration, "net10.0", "fleet.dll");

    public static string AgentAssembly => Path.Combine(Root, "src", "Fleet.Agent", "bin", Configuration, "net10.0", "fleet-agent.dll");

    /// <summary>The stand-in ngrok's executable (its apphost is named like the real binary).</summary>
    public static string FakeNgrok => Path.Combine(Root, "tests", "Fleet.FakeNgrok", "bin", Configuration, "net10.0", "ngrok");

    /// <summary>The nearest folder at or above <paramref name="start"/> that holds Fleet.sln; null when there is none.</summary>
    public static string? FindAbove(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Fleet.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
