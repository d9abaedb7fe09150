namespace Fleet.Agent.Configuration;

/// <summary>
/// <c>cloudflared tunnel --url {Url} --metrics {MetricsAddress}</c>: a Cloudflare quick tunnel (TryCloudflare), no account,
/// a new <c>https://&lt;random&gt;.trycloudflare.com</c> at every start (section Agent:Cloudflared).
/// </summary>
public sealed class CloudflaredSettings
{
    /// <summary>Where Cloudflare's Debian package puts it; a bare name is looked up on PATH.</summary>
    public string Binary { get; set; } = "/usr/bin/cloudflared";

    /// <summary>The local service the quick tunnel forwards to (http or https).</summary>
    public string Url { get; set; } = "http://localhost:80";

    /// <summary>
    /// cloudflared's metrics server (ip:port on loopback), where the agent reads /quicktunnel and /ready. Fixed rather
    /// than cloudflared's default (the first free port of 20241-20245), so the agent knows where to look.
    /// </summary>
    public string MetricsAddress { get; set; } = "127.0.0.1:20241";

    /// <summary>Null lets cloudflared choose (quic, falling back to http2); http2 where outbound UDP 7844 is blocked.</summary>
    public string? Protocol { get; set; }

    /// <summary>The tunnel's name in the published state.</summary>
    public string TunnelName { get; set; } = "web";

    /// <summary>How often the metrics server is read even without a log line that announces a change.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan RestartMinDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan RestartMaxDelay { get; set; } = TimeSpan.FromMinutes(10);
}
