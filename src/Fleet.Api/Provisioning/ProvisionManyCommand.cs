using System.Globalization;
using System.Text;
using System.Text.Json;
using Fleet.Api.Data;

namespace Fleet.Api.Provisioning;

/// <summary>
/// <c>fleet-api detectors provision-many --count N [--prefix sim-] --out FILE [--mosquitto-passwd FILE]</c>: creates
/// or rotates detectors {prefix}00001..{prefix}N (five digits at least) in one transaction, writes their
/// <c>id,password</c> lines to FILE (mode 0600; the simulator's credentials file) and, when asked, their Mosquitto
/// password lines. Prints <c>{"count":N,"out":"FILE"}</c>.
/// </summary>
internal static class ProvisionManyCommand
{
    public const string Verb = "provision-many";

    private const int Done = 0;
    private const int Usage = 2;

    public const string Help = """
          fleet-api detectors provision-many --count N [--prefix sim-] --out FILE [--mosquitto-passwd FILE]
                                                            create or rotate N detectors {prefix}00001.. at once; FILE gets
                                                            `id,password` lines (0600), the Mosquitto file their $7$ lines
        """;

    public static bool Handles(string[] args) => args is [ProvisioningCli.Command, Verb, ..];

    /// <summary>Reads this command's own options (<c>--name value</c>); configuration keys (<c>--Key=value</c>) are the host's.</summary>
    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 2; i < args.Length; i++)
        {
            if (args[i] is "--count" or "--prefix" or "--out" or "--mosquitto-passwd" && i + 1 < args.Length)
            {
                options[args[i][2..]] = args[++i];
            }
        }

        if (!options.TryGetValue("count", out var countText) || !int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count < 1 || !options.TryGetValue("out", out var output))
        {
            await Console.Error.WriteLineAsync("Usage:\n" + Help);
            return Usage;
        }

        var prefix = options.GetValueOrDefault("prefix", "sim-");
        var width = Math.Max(5, count.ToString(CultureInfo.InvariantCulture).Length);
        var ids = Enumerable.Range(1, count).Select(i => prefix + i.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0')).ToList();
        if ((DetectorProvisioner.Refusal(ids[0]) ?? DetectorProvisioner.Refusal(ids[^1])) is { } refusal)
        {
            await Console.Error.WriteLineAsync($"Refused: {refusal}");
            return Usage;
        }

        await app.MigrateFleetDatabaseAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var provisioner = scope.ServiceProvider.GetRequiredService<DetectorProvisioner>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        var credentials = await provisioner.ProvisionManyAsync(ids, options.GetValueOrDefault("mosquitto-passwd"), Audit.AuditActor.CommandLine(), CancellationToken.None);
        await WriteCredentialsAsync(output, credentials);
        await Console.Error.WriteLineAsync(
            $"Provisioned {credentials.Count} detectors ({ids[0]}..{ids[^1]}) in {started.Elapsed.TotalSeconds:0.00} s; passwords in {output} (0600)" +
            (options.ContainsKey("mosquitto-passwd") ? "; Mosquitto's password file updated: reload the broker (SIGHUP)." : "."));
        await Console.Out.WriteLineAsync(JsonSerializer.Serialize(new { count = credentials.Count, @out = output }));
        return Done;
    }

    /// <summary>Created 0600 under a temporary name and renamed, so the passwords are never readable by others.</summary>
    private static async Task WriteCredentialsAsync(string path, IReadOnlyList<(string Id, string Password)> credentials)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        var temp = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var writer = new StreamWriter(temp, new UTF8Encoding(false), fileOptions))
            {
                foreach (var (id, password) in credentials)
                {
                    await writer.WriteAsync($"{id},{password}\n");
                }
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
