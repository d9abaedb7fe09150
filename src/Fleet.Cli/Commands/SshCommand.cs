using System.CommandLine;
using System.Globalization;
using Fleet.Cli.Api;
using Fleet.Cli.Config;
using Fleet.Cli.Errors;
using Fleet.Cli.Tunnels;

namespace Fleet.Cli.Commands;

/// <summary>
/// <c>fleet ssh ID [ssh args…]</c>: asks the API for the detector's current tcp tunnel and replaces itself with
/// <c>ssh -p PORT -o HostKeyAlias=ID.fleet HOST args…</c>. OpenSSH reads options after the host too (<c>-l pi</c>, <c>-i key</c>), and after
/// <c>--</c> the remote command, so the arguments are handed over exactly as typed.
/// </summary>
internal static class SshCommand
{
    public static Command Create(ConfigStore store, string[] rawArgs)
    {
        Argument<string> id = new("id") { Description = "The detector's id (a .fleet suffix is ignored)" };
        Argument<string[]> sshArgs = new("ssh-args") { Description = "Passed to ssh after the host: options (-l pi, -i key), then -- and a remote command", Arity = ArgumentArity.ZeroOrMore };
        Command command = new("ssh", "ssh into a detector through its current tcp tunnel") { id, sshArgs };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            var detectorId = Detectors.NormalizeId(parse.GetValue(id)!);
            using var api = await FleetApi.ConnectAsync(store, ct);
            var detector = await Detectors.GetAsync(api, detectorId, ct);
            var endpoint = TcpEndpoint.Of(detector);
            Detectors.WarnIfNotOnline(detector);
            var ssh = OpenCommand.FindOnPath("ssh")
                ?? throw new CliException(ExitCodes.Failure, "ssh is not installed (Debian: apt-get install openssh-client)");
            // The host key is checked under the detector's stable name (the one `ssh ID.fleet` through `fleet proxy` uses),
            // not under today's host:port, so a new ngrok port is not a new, unknown host.
            string[] arguments =
            [
                "-p", endpoint.Port.ToString(CultureInfo.InvariantCulture), "-o", $"HostKeyAlias={detectorId}.fleet",
                endpoint.Host, .. PassedThrough(rawArgs),
            ];
            return Exec.Replace(ssh, arguments);
        });
        return command;
    }

    /// <summary>Everything after <c>ssh ID</c> on the real command line, untouched by the parser (<c>--</c> included).</summary>
    internal static string[] PassedThrough(string[] rawArgs)
    {
        var at = Array.IndexOf(rawArgs, "ssh");
        return at < 0 || at + 2 > rawArgs.Length ? [] : rawArgs[(at + 2)..];
    }
}
