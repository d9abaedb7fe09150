using Fleet.Testing.Processes;

namespace Fleet.Testing.Mosquitto;

/// <summary>
/// The shipped Mosquitto plugin (infra/mosquitto/plugin/fleet_shared_subscriptions.c), compiled once per test run
/// with gcc against Debian's mosquitto-dev headers, so every test broker refuses shared subscriptions to anyone but
/// the API identities, as the shipped mosquitto.conf makes production do.
/// </summary>
internal static class MosquittoPlugin
{
    private static readonly TimeSpan CompileTimeout = TimeSpan.FromSeconds(60);

    private static readonly Lazy<Task<string>> Built = new(() => Task.Run(BuildAsync), LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Source => Path.Combine(RepositoryPaths.Root, "infra", "mosquitto", "plugin", "fleet_shared_subscriptions.c");

    /// <summary>The path of the built plugin (readable by the broker's user).</summary>
    public static Task<string> PathAsync() => Built.Value;

    private static async Task<string> BuildAsync()
    {
        if (!File.Exists("/usr/include/mosquitto_broker.h") || !File.Exists("/usr/include/mosquitto.h"))
        {
            throw new InvalidOperationException("Mosquitto plugin headers not found: apt-get install -y gcc mosquitto-dev libmosquitto-dev");
        }

        var directory = Directory.CreateTempSubdirectory("fleet-mosquitto-plugin-");
        var output = Path.Combine(directory.FullName, "fleet_shared_subscriptions.so");
        var (exitCode, stdout, stderr) = await ChildProcess.RunAsync(
            MosquittoFiles.FindTool("gcc", "/usr/bin/gcc"),
            ["-shared", "-fPIC", "-O2", "-Wall", "-Wextra", "-Werror", "-o", output, Source],
            CompileTimeout);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"gcc failed to build {Source}: {stdout} {stderr}");
        }

        if (!OperatingSystem.IsWindows())
        {
            // The broker drops to its own user before it loads plugins.
            File.SetUnixFileMode(directory.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        TestReport.Note($"Mosquitto plugin: {Source} built with gcc");
        return output;
    }
}
