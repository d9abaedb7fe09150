using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Fleet.Cli.Api;
using Fleet.Cli.Config;
using Fleet.Cli.Errors;
using Fleet.Cli.Tunnels;

namespace Fleet.Cli.Commands;

/// <summary>
/// <c>fleet proxy ID</c>, for ssh's ProxyCommand (<c>Host *.fleet</c> / <c>ProxyCommand fleet proxy %h</c>): connects
/// standard input and output to the detector's current tcp tunnel until the far side closes.
/// </summary>
internal static class ProxyCommand
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    public static Command Create(ConfigStore store)
    {
        Argument<string> id = new("id") { Description = "The detector's id; ssh's %h (pi-042.fleet) works" };
        Option<string[]> resolve = new("--resolve")
        {
            Description = "HOST:ADDRESS, connect to ADDRESS when the tunnel's host is HOST, like curl's --resolve (staging, tests)",
            Arity = ArgumentArity.OneOrMore,
        };
        Command command = new("proxy", "Connect stdin/stdout to a detector's current tcp tunnel (for ssh's ProxyCommand)") { id, resolve };
        command.SetAction(async (parse, ct) =>
        {
            var detectorId = Detectors.NormalizeId(parse.GetValue(id)!);
            TcpEndpoint endpoint;
            using (var api = await FleetApi.ConnectAsync(store, ct))
            {
                endpoint = TcpEndpoint.Of(await Detectors.GetAsync(api, detectorId, ct));
            }

            using var socket = await ConnectAsync(endpoint, Overrides(parse.GetValue(resolve) ?? []), ct);
            await using var network = new NetworkStream(socket, ownsSocket: false);
            await using var input = Console.OpenStandardInput();
            await using var output = Console.OpenStandardOutput();

            // Up: stdin to the tunnel, then half-close so the server sees the end. Down: the tunnel to stdout; its end
            // ends the proxy (ssh closes stdin only after it has read everything anyway).
            _ = Task.Run(async () =>
            {
                try
                {
                    await input.CopyToAsync(network, ct);
                    socket.Shutdown(SocketShutdown.Send);
                }
                catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
                {
                    // The down direction decides when the proxy ends.
                }
            }, ct);
            await network.CopyToAsync(output, ct);
            await output.FlushAsync(ct);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<Socket> ConnectAsync(TcpEndpoint endpoint, IReadOnlyDictionary<string, string> overrides, CancellationToken ct)
    {
        var host = overrides.GetValueOrDefault(endpoint.Host, endpoint.Host);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ConnectTimeout);
        Socket socket = new(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(IPAddress.TryParse(host, out var address) ? new IPEndPoint(address, endpoint.Port) : new DnsEndPoint(host, endpoint.Port), timeout.Token);
            return socket;
        }
        catch (Exception ex) when (ex is SocketException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            socket.Dispose();
            throw new CliException(ExitCodes.Unreachable, $"cannot connect to {endpoint.Host}:{endpoint.Port} (tunnel '{endpoint.Tunnel}'): {ex.Message}");
        }
    }

    private static Dictionary<string, string> Overrides(string[] rules)
    {
        Dictionary<string, string> overrides = new(StringComparer.OrdinalIgnoreCase);
        foreach (var rule in rules)
        {
            var colon = rule.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == rule.Length - 1)
            {
                throw new CliException(ExitCodes.Usage, $"--resolve '{rule}': use HOST:ADDRESS");
            }

            overrides[rule[..colon]] = rule[(colon + 1)..];
        }

        return overrides;
    }
}
