using System.Text.Json;
using Fleet.Api.Data;
using Fleet.Domain.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Provisioning;

/// <summary>
/// <c>fleet-api detectors provision|revoke|export-mosquitto …</c>: the same provisioning as the admin endpoints, run
/// against the configured database (same appsettings, environment variables and <c>--Key=value</c> arguments as the
/// server) without starting the web host, the broker or the ingest. Exit codes: 0 done, 1 nothing to revoke,
/// 2 usage error or refused id.
/// </summary>
public static class ProvisioningCli
{
    public const string Command = "detectors";

    private const int Done = 0;
    private const int NothingToDo = 1;
    private const int Usage = 2;

    private static readonly JsonSerializerOptions Output = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private const string Help = """
        Usage:
          fleet-api detectors provision <id>                create or rotate a detector's MQTT credential; prints the
                                                            password (once: only its hash is stored) and agent.json as JSON
          fleet-api detectors revoke <id>                   revoke it (with a running embedded broker, prefer
                                                            DELETE /detectors/{id}/credentials: it also drops the connection)
          fleet-api detectors export-mosquitto --passwd <file>
                                                            write the Mosquitto password file: service accounts and the
                                                            lines of detectors whose credential is active, taken from
                                                            Provisioning:MosquittoPasswordFile
        """ + "\n" + ProvisionManyCommand.Help + "\n" + """
        Configuration as for the server, e.g. --Database:Provider=Postgres --ConnectionStrings:Fleet=...
        """;

    /// <summary>True when the command line asks for this command rather than the server.</summary>
    public static bool Handles(string[] args) => args is [Command, ..];

    public static async Task<int> RunAsync(WebApplicationBuilder builder, string[] args)
    {
        // stdout carries the result only: every log line goes to stderr, and only warnings and errors.
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var positional = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal) || a is "--passwd" or "--acl").ToArray();

        if (ProvisionManyCommand.Handles(args))
        {
            await using var bulk = builder.Build();
            return await ProvisionManyCommand.RunAsync(bulk, args);
        }

        if (positional is not [Command, var verb, var argument, ..])
        {
            await Console.Error.WriteLineAsync(Help);
            return Usage;
        }

        if (verb is "provision" or "revoke" && DetectorProvisioner.Refusal(argument) is { } refusal)
        {
            await Console.Error.WriteLineAsync($"Refused: {refusal}");
            return Usage;
        }

        await using var app = builder.Build();
        await app.MigrateFleetDatabaseAsync();
        await using var scope = app.Services.CreateAsyncScope();
        var provisioner = scope.ServiceProvider.GetRequiredService<DetectorProvisioner>();
        switch (verb)
        {
            case "provision":
                var credential = await provisioner.ProvisionAsync(argument, requestHost: null, relay: null, Audit.AuditActor.CommandLine(), CancellationToken.None);
                Console.Out.WriteLine(JsonSerializer.Serialize(credential, Output));
                if (credential.Warning is { } warning)
                {
                    await Console.Error.WriteLineAsync($"Warning: {warning}");
                }

                await Console.Error.WriteLineAsync(
                    $"Detector {argument}: the password above is shown once. On the detector put it in {DetectorProvisioner.AgentPasswordFile} " +
                    "(0640 root:fleet-agent) and agentConfig in /etc/fleet-agent/agent.json." +
                    (credential.MosquittoPasswordFileUpdated ? " Mosquitto's password file was updated: reload the broker (SIGHUP)." : string.Empty));
                return Done;

            case "revoke":
                if (!await provisioner.RevokeAsync(argument, Audit.AuditActor.CommandLine(), CancellationToken.None))
                {
                    await Console.Error.WriteLineAsync($"Detector {argument} has no active credential.");
                    return NothingToDo;
                }

                await Console.Error.WriteLineAsync($"Revoked {argument}. With Mosquitto reload the broker (SIGHUP); a running embedded broker " +
                    "refuses its next login but keeps a live connection until DELETE /detectors/{id}/credentials or a restart.");
                return Done;

            case "export-mosquitto" when argument is "--passwd" && positional.Length > 3:
                return await ExportPasswordFileAsync(scope.ServiceProvider, positional[3]);

            case "export-mosquitto" when argument is "--acl":
                await Console.Error.WriteLineAsync("The ACL has no per-detector lines (its %u patterns cover every detector): deploy infra/mosquitto/acl as shipped.");
                return Usage;

            default:
                await Console.Error.WriteLineAsync(Help);
                return Usage;
        }
    }

    /// <summary>
    /// Only hashes are stored, so the file cannot be made from the database: it is filtered from the file provisioning
    /// keeps (service accounts stay; a detector's line stays only while its credential is active).
    /// </summary>
    private static async Task<int> ExportPasswordFileAsync(IServiceProvider services, string target)
    {
        var source = services.GetRequiredService<IOptions<ProvisioningOptions>>().Value.MosquittoPasswordFile;
        if (string.IsNullOrEmpty(source) || !File.Exists(source))
        {
            await Console.Error.WriteLineAsync("Provisioning:MosquittoPasswordFile is not set or does not exist. Only password hashes are stored, " +
                "so detector lines can only come from that file, written at provisioning time: set it, then provision (or rotate) each detector.");
            return Usage;
        }

        var db = services.GetRequiredService<FleetDbContext>();
        var active = (await db.DetectorCredentials.Where(c => c.RevokedAt == null).Select(c => c.DetectorId).ToListAsync()).ToHashSet(StringComparer.Ordinal);
        var lines = new List<string>();
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in await File.ReadAllLinesAsync(source))
        {
            var user = line.Split(':', 2)[0];
            var isDetector = DetectorId.IsValid(user) && !DetectorId.IsReserved(user);
            if (line.Length > 0 && (!isDetector || active.Contains(user)))
            {
                lines.Add(line);
                present.Add(user);
            }
        }

        await MosquittoPasswordFile.WriteAllAsync(target, lines, CancellationToken.None);
        var missing = active.Where(id => !present.Contains(id)).Order(StringComparer.Ordinal).ToList();
        await Console.Error.WriteLineAsync($"Wrote {target}: {lines.Count} account(s). Reload Mosquitto (SIGHUP).");
        if (missing.Count > 0)
        {
            await Console.Error.WriteLineAsync($"Active detectors without a line (rotate them to get one): {string.Join(' ', missing)}");
        }

        return Done;
    }
}
