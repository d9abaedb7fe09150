using System.ComponentModel.DataAnnotations;

namespace Fleet.Api.Alerts.Senders;

/// <summary>How the alert senders reach out (Alerts:*): which non-public networks they may reach, and how long one attempt may take.</summary>
public sealed class AlertSenderOptions
{
    public const string Section = "Alerts";

    /// <summary>
    /// Networks (CIDR or a single address) that webhook, ntfy, Slack and SMTP destinations may resolve to although not
    /// public, e.g. an on-premise ntfy at 10.1.2.3 or, in tests, 127.0.0.0/8. Empty by default. Cloud metadata
    /// addresses stay refused.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];

    /// <summary>The whole of one delivery attempt to an HTTP destination: connect, TLS, the request and the answer.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(15);
}
