using System.Net;

namespace Fleet.Agent.Configuration;

/// <summary>The rules of Agent:Cloudflared, checked at start when Agent:Provider is cloudflared.</summary>
internal static class CloudflaredSettingsValidator
{
    public static void Validate(CloudflaredSettings settings, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(settings.Binary))
        {
            errors.Add("Agent:Cloudflared:Binary is required for the cloudflared provider (e.g. /usr/bin/cloudflared).");
        }

        if (!Uri.TryCreate(settings.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || string.IsNullOrEmpty(url.Host))
        {
            errors.Add($"Agent:Cloudflared:Url must be the local service as an http:// or https:// URL, e.g. http://localhost:80 (got '{settings.Url}').");
        }

        // The metrics server answers anyone who reaches it (cloudflared adds no access control): loopback only.
        if (!IPEndPoint.TryParse(settings.MetricsAddress ?? string.Empty, out var metrics) || !IPAddress.IsLoopback(metrics.Address) || metrics.Port is < 1 or > 65535)
        {
            errors.Add($"Agent:Cloudflared:MetricsAddress must be a loopback ip:port such as 127.0.0.1:20241 (got '{settings.MetricsAddress}').");
        }

        if (settings.Protocol is not (null or "auto" or "quic" or "http2"))
        {
            errors.Add($"Agent:Cloudflared:Protocol must be auto, quic or http2, or left out (got '{settings.Protocol}').");
        }

        if (string.IsNullOrWhiteSpace(settings.TunnelName))
        {
            errors.Add("Agent:Cloudflared:TunnelName must not be empty.");
        }

        AgentOptionsValidator.CheckRange(errors, "Agent:Cloudflared:PollInterval", settings.PollInterval, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10));
        AgentOptionsValidator.CheckRange(errors, "Agent:Cloudflared:RestartMinDelay", settings.RestartMinDelay, TimeSpan.FromMilliseconds(10), settings.RestartMaxDelay);
    }
}
