namespace Fleet.Api.SystemTests.Dashboard;

/// <summary>Where the browser tests leave what a reviewer looks at: TestResults/screenshots in the repository (git-ignored).</summary>
internal static class Screenshots
{
    public static string Folder { get; } = Path.Combine(RepositoryPaths.Root, "TestResults", "screenshots");

    public static string PathOf(string name)
    {
        Directory.CreateDirectory(Folder);
        return Path.Combine(Folder, name);
    }
}
