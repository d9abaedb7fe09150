using System.Globalization;

namespace Fleet.FakeCloudflared;

/// <summary>
/// cloudflared's console log as zerolog writes it without a terminal (no colour) to stderr:
/// <c>2024-12-19T21:17:58Z INF message key=value key="quoted value"</c>. Messages are cloudflared's own (see README.md).
/// </summary>
internal sealed class CloudflaredLog(TextWriter output)
{
    public const string Version = "2026.8.2-fake";

    private const string EdgeIp = "198.41.192.7";

    private readonly Lock _gate = new();

    public void Info(string message) => Write("INF", message);

    public void Error(string message) => Write("ERR", message);

    /// <summary>What cloudflared prints after its logger when the command fails: the error alone, no timestamp.</summary>
    public void LastWords(string text)
    {
        lock (_gate)
        {
            output.WriteLine(text);
            output.Flush();
        }
    }

    public void Start()
    {
        Info("Thank you for trying Cloudflare Tunnel. Doing so, without a Cloudflare account, is a quick way to experiment and try it out. However, be aware that these account-less Tunnels have no uptime guarantee, are subject to the Cloudflare Online Services Terms of Use (https://www.cloudflare.com/website-terms/), and Cloudflare reserves the right to investigate your use of Tunnels for violations of such terms. If you intend to use Tunnels in production you should use a pre-created named tunnel by following: https://developers.cloudflare.com/cloudflare-one/connections/connect-apps");
        Info("Requesting new quick Tunnel on trycloudflare.com...");
    }

    public void RateLimited()
    {
        Error("Error unmarshaling QuickTunnel response: error code: 1015 error=\"invalid character 'e' looking for beginning of value\" status_code=\"429 Too Many Requests\"");
        LastWords("failed to unmarshal quick Tunnel: invalid character 'e' looking for beginning of value");
    }

    public void Created(string hostname, string url, string metrics)
    {
        string link = "https://" + hostname;
        string text = "Your quick Tunnel has been created! Visit it at (it may take some time to be reachable):";
        int width = Math.Max(text.Length, link.Length);
        string border = "+" + new string('-', width + 4) + "+";
        Info(border);
        Info("|  " + text.PadRight(width) + "  |");
        Info("|  " + link.PadRight(width) + "  |");
        Info(border);
        Info("Cannot determine default configuration path. No file [config.yml config.yaml] in [~/.cloudflared ~/.cloudflare-warp ~/cloudflare-warp /etc/cloudflared /usr/local/etc/cloudflared]");
        Info($"Version {Version} (Checksum 0000000000000000000000000000000000000000000000000000000000000000)");
        Info("GOOS: linux, GOVersion: go1.24.0, GoArch: " + (Environment.Is64BitProcess ? "amd64" : "386"));
        Info($"Settings: map[ha-connections:1 metrics:{metrics} no-autoupdate:true protocol:quic url:{url}]");
        Info("Generated Connector ID: " + Guid.NewGuid());
        Info("Initial protocol quic");
        Info($"Starting metrics server on {metrics}/metrics");
    }

    public void Registered() =>
        Info($"Registered tunnel connection connIndex=0 connection={Guid.NewGuid()} event=0 ip={EdgeIp} location=ams01 protocol=quic");

    public void DialFailed()
    {
        Error($"Failed to dial a quic connection error=\"failed to dial to edge with quic: timeout: no recent network activity\" connIndex=0 event=0 addr={EdgeIp}:7844");
        Info($"Retrying connection in up to 2s connIndex=0 event=0 ip={EdgeIp}");
    }

    public void ConnectionTerminated() =>
        Error("Connection terminated error=\"timeout: no recent network activity\" connIndex=0");

    public void OriginUnreachable(string url, string reason) =>
        Error($"Request failed error=\"Unable to reach the origin service. The service may be down or it may not be responding to traffic from cloudflared: {reason}\" connIndex=0 dest={url} event=0 ip={EdgeIp} type=http");

    public void MetricsBindFailed(string metrics, string reason) =>
        LastWords($"Error opening metrics server listener: listen tcp {metrics}: bind: {reason}");

    private void Write(string level, string message)
    {
        string time = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        lock (_gate)
        {
            output.WriteLine($"{time} {level} {message}");
            output.Flush();
        }
    }
}
