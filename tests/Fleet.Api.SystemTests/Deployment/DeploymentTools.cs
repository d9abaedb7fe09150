namespace Fleet.Api.SystemTests.Deployment;

/// <summary>
/// The deployment's command-line tools the tests run, found on PATH or failing with the Debian package to install
/// (test.sh and .ci/run install them): never a skip.
/// </summary>
internal static class DeploymentTools
{
    public static string Caddy => Find("caddy", "caddy");

    public static string DockerCompose => Find("docker-compose", "docker-compose");

    /// <summary>A tool run by the tests with nothing of the caller's environment but PATH, and HOME pointing at <paramref name="home"/>.</summary>
    public static string[] CleanEnvironment(string home, params string[] variables) =>
        ["-i", $"PATH={Environment.GetEnvironmentVariable("PATH")}", $"HOME={home}", .. variables];

    private static string Find(string name, string package) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{name} not found on PATH: apt-get install -y {package} (test.sh and .ci/run install it as root)");
}
