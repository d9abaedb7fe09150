namespace Fleet.Api.Tests.Support;

internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The API as built next to these tests (same configuration), run as a real process.</summary>
    public static string ApiAssembly
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                ? "Release"
                : "Debug";
            return Path.Combine(Root, "src", "Fleet.Api", "bin", configuration, "net10.0", "fleet-api.dll");
        }
    }

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
