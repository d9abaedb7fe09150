using System.Globalization;
using Fleet.Testing.Alerts;

namespace Fleet.Api.SystemTests.Alerts;

/// <summary>
/// The API's alert settings for the system tests: the same machinery on a shorter clock. The scenarios scale issue
/// 15's minutes down to seconds with the same ratios (forSeconds 4 for 2 minutes: lost 1 s for 30 s, 6 s for 3
/// minutes); the retries run every fraction of a second, so "several retry rounds" take seconds instead of the 5
/// minutes of the issue. The receiver and the SMTP sink are on loopback, which the egress rules refuse unless allowed.
/// </summary>
internal static class AlertSettings
{
    /// <summary>The rules' damping in these tests (issue 15: 2 minutes).</summary>
    public const int DampingSeconds = 4;

    public static Dictionary<string, string?> Fast(SmtpSink sink) => new()
    {
        ["Alerts:AllowedNetworks:0"] = "127.0.0.0/8",
        ["Alerts:Delivery:AllowHttp"] = "true",
        ["Alerts:Delivery:PollInterval"] = "00:00:00.200",
        ["Alerts:Delivery:BaseDelay"] = "00:00:00.200",
        ["Alerts:Delivery:MaxDelay"] = "00:00:01",
        ["Alerts:Delivery:CircuitCoolDown"] = "00:00:01",
        ["Alerts:Delivery:AttemptTimeout"] = "00:00:05",
        ["Alerts:Delivery:LeaseTimeout"] = "00:00:10",
        ["Alerts:Rules:EvaluateInterval"] = "00:00:00.250",
        ["Alerts:Smtp:Host"] = "127.0.0.1",
        ["Alerts:Smtp:Port"] = sink.Port.ToString(CultureInfo.InvariantCulture),
        ["Alerts:Smtp:Security"] = "None",
        ["Alerts:Smtp:From"] = "Fleet alerts <fleet@alerts.example.test>",
        ["Alerts:Smtp:Timeout"] = "00:00:05",
    };

    /// <summary>A detector rule: <paramref name="tag"/> lost for <see cref="DampingSeconds"/>, to both destinations unless <paramref name="webhookOnly"/>.</summary>
    public static object LostRule(string name, string tag, AlertOutlets outlets, string groupBy = "none", int groupWindowSeconds = 0, bool webhookOnly = false) => new
    {
        name,
        events = new[] { "lost" },
        tags = new[] { tag },
        forSeconds = DampingSeconds,
        groupBy,
        groupWindowSeconds,
        destinationIds = webhookOnly ? new[] { outlets.WebhookId } : new[] { outlets.WebhookId, outlets.EmailId },
    };
}
