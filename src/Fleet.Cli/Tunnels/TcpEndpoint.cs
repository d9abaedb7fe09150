using Fleet.Cli.Api.Models;
using Fleet.Cli.Errors;

namespace Fleet.Cli.Tunnels;

/// <summary>Where ssh reaches a detector right now: the host and port of its current <c>tcp://</c> tunnel.</summary>
internal sealed record TcpEndpoint(string Tunnel, string Host, int Port)
{
    /// <summary>
    /// The tunnel named <c>ssh</c> if it is tcp, else the first tcp tunnel (ngrok's and the relay's ssh tunnels are
    /// <c>tcp://host:port</c>); none is a one-line error naming the tunnels the detector has.
    /// </summary>
    public static TcpEndpoint Of(DetectorView detector)
    {
        var tunnels = detector.Tunnels ?? [];
        var tcp = tunnels
            .Select(t => (Tunnel: t, Uri: Uri.TryCreate(t.Url, UriKind.Absolute, out var uri) && uri.Scheme == "tcp" && uri.Port > 0 ? uri : null))
            .Where(t => t.Uri is not null)
            .OrderByDescending(t => string.Equals(t.Tunnel.Name, "ssh", StringComparison.OrdinalIgnoreCase))
            .FirstOrDefault();
        if (tcp.Uri is null)
        {
            var have = tunnels.Count == 0 ? "none" : string.Join(", ", tunnels.Select(t => $"{t.Name}={t.Url}"));
            throw new CliException(ExitCodes.NoTunnel, $"detector '{detector.Id}' has no ssh (tcp://) tunnel (its tunnels: {have})");
        }

        return new TcpEndpoint(tcp.Tunnel.Name ?? "tcp", tcp.Uri.IdnHost, tcp.Uri.Port);
    }
}
