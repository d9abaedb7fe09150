namespace Fleet.Api.Tests.Support;

internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The API as built next to these tests (same configuration), run as a real process.</summary>
    public static string ApiAssembly
    {
        get
        {
            return Path.Combine(Root, "src", "Fleet.Api", "bin", Configuration, "net10.0", "fleet-api.dll");
        }
    }

    public static string AgentAssembly => Path.Combine(Root, "src", "Fleet.Agent", "bin", Configuration, "net10.0", "fleet-agent.dll");

    /// <summary>The stand-in ngrok's executable (its apphost is named like the real binary).</summary>
    public static string FakeNgrok => Path.Combine(Root, "tests", "Fleet.FakeNgrok", "bin", Configuration, "net10.0", "ngrok");

    private static string Configuration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Fleet.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Fleet.sln not found above " + AppContext.BaseDirectory);
    }
}
