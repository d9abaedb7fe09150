using System.Text.RegularExpressions;

namespace Fleet.Api.SystemTests.Deployment;

/// <summary>
/// docker-compose.yml as Debian's docker-compose 1.29 reads it (`docker-compose config` needs no Docker engine):
/// valid with the shipped .env.example, refused with the message when a required value is missing, and everything it
/// mounts or builds from is in the repository.
/// </summary>
public sealed partial class ComposeFileTests : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private readonly string work = Directory.CreateTempSubdirectory("fleet-compose-").FullName;

    [Fact]
    public async Task ComposeConfig_ShippedEnvExample_IsValidWithCaddyInFront()
    {
        var (exitCode, output, error) = await ConfigAsync(File.ReadAllText(EnvExample));

        Assert.True(exitCode == 0, $"docker-compose config failed ({exitCode}): {error}");
        Assert.Contains("image: caddy:2", output, StringComparison.Ordinal);
        Assert.Contains("published: 443", output, StringComparison.Ordinal);
        Assert.Contains("published: 8883", output, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:1883:1883", output, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:8080:8080", output, StringComparison.Ordinal);
        Assert.DoesNotContain("published: 1883", output, StringComparison.Ordinal);
        Assert.DoesNotContain("published: 8083", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FLEET_DOMAIN")]
    [InlineData("FLEET_TLS")]
    [InlineData("FLEET_ADMIN_KEY")]
    public async Task ComposeConfig_RequiredVariableMissing_FailsNamingIt(string variable)
    {
        string env = string.Join('\n', File.ReadAllLines(EnvExample).Where(line => !line.StartsWith(variable + "=", StringComparison.Ordinal)));

        var (exitCode, _, error) = await ConfigAsync(env);

        Assert.NotEqual(0, exitCode);
        Assert.Contains($"set {variable} in .env", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComposeFile_EverythingMountedOrBuilt_ExistsInTheRepository()
    {
        var (exitCode, output, error) = await ConfigAsync(File.ReadAllText(EnvExample));
        Assert.True(exitCode == 0, $"docker-compose config failed ({exitCode}): {error}");
        string[] lines = output.Split('\n');
        List<string> missing = [];
        Dictionary<string, string> mounts = [];

        foreach (Match mount in lines.Select(line => BindMount().Match(line)).Where(m => m.Success))
        {
            string host = mount.Groups["host"].Value;
            mounts[mount.Groups["target"].Value] = host;
            Check(host, File.Exists(host) || Directory.Exists(host));
        }

        for (int i = 0; i < lines.Length; i++)
        {
            if (Context().Match(lines[i]) is { Success: true } context)
            {
                string directory = context.Groups["path"].Value;
                string? named = i + 1 < lines.Length && Dockerfile().Match(lines[i + 1]) is { Success: true } d ? d.Groups["path"].Value : null;
                string dockerfile = Path.Combine(directory, named ?? "Dockerfile");
                Check(dockerfile, File.Exists(dockerfile));
                if (File.Exists(dockerfile))
                {
                    foreach (Match copy in File.ReadLines(dockerfile).Select(line => Copy().Match(line)).Where(m => m.Success))
                    {
                        foreach (string source in copy.Groups["sources"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                        {
                            string path = Path.Combine(directory, source);
                            Check(path, File.Exists(path) || Directory.Exists(path));
                        }
                    }
                }
            }

            // The entrypoint script runs from a mounted folder: it must be in that folder on the host.
            if (EntrypointArgument().Match(lines[i]) is { Success: true } argument
                && mounts.FirstOrDefault(m => argument.Groups["path"].Value.StartsWith(m.Key + "/", StringComparison.Ordinal)) is { Key: not null } into)
            {
                string path = into.Value + argument.Groups["path"].Value[into.Key.Length..];
                Check(path, File.Exists(path));
            }
        }

        Assert.True(mounts.Count >= 2, $"expected the Caddyfile and infra/mosquitto mounts in:{Environment.NewLine}{output}");
        Assert.Contains(mounts, m => m.Key == "/etc/caddy/Caddyfile" && File.Exists(m.Value));
        Assert.True(missing.Count == 0, "missing: " + string.Join(", ", missing));

        void Check(string path, bool exists)
        {
            if (!exists || !Path.GetFullPath(path).StartsWith(RepositoryPaths.Root + "/", StringComparison.Ordinal))
            {
                missing.Add(Path.GetRelativePath(RepositoryPaths.Root, path));
            }
        }
    }

    public void Dispose() => Directory.Delete(work, recursive: true);

    private static string EnvExample => Path.Combine(RepositoryPaths.Root, ".env.example");

    /// <summary>`docker-compose config` on the repository's compose file with <paramref name="env"/> as its .env, nothing inherited.</summary>
    private async Task<(int ExitCode, string Output, string Error)> ConfigAsync(string env)
    {
        string envFile = Path.Combine(work, "test.env");
        await File.WriteAllTextAsync(envFile, env);
        string[] arguments =
        [
            .. DeploymentTools.CleanEnvironment(work),
            DeploymentTools.DockerCompose, "--env-file", envFile, "-f", Path.Combine(RepositoryPaths.Root, "docker-compose.yml"), "config",
        ];
        return await ChildProcess.RunAsync("env", arguments, CommandTimeout, RepositoryPaths.Root);
    }

    [GeneratedRegex(@"^\s+- (?<host>/[^:]+):(?<target>/[^:]+)(:r[ow])?\s*$")]
    private static partial Regex BindMount();

    [GeneratedRegex(@"^\s+context: (?<path>/\S+)\s*$")]
    private static partial Regex Context();

    [GeneratedRegex(@"^\s+dockerfile: (?<path>\S+)\s*$")]
    private static partial Regex Dockerfile();

    [GeneratedRegex(@"^COPY (?!--)(?<sources>.+) \S+\s*$")]
    private static partial Regex Copy();

    [GeneratedRegex(@"^\s+- (?<path>/\S+\.sh)\s*$")]
    private static partial Regex EntrypointArgument();
}
