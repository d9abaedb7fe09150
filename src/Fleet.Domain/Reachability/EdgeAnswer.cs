using System.Text;
using System.Text.RegularExpressions;
using Fleet.Domain.Messages;

namespace Fleet.Domain.Reachability;

/// <summary>
/// What an HTTP answer through a tunnel's public URL says about the tunnel: the detector's own service answered (any
/// status counts) or the provider's edge answered for it with an error page of its own. Pure code shared by the
/// agent's check from the Pi and the API's probe, so both sides read the same answer the same way.
/// <para>
/// ngrok (https://ngrok.com/docs/errors/, https://ngrok.com/docs/endpoints/http/ "Errors") marks its own pages with a globally unique code <c>ERR_NGROK_&lt;n&gt;</c>
/// in the page and in the <c>ngrok-error-code</c> response header: 3200 "the endpoint is offline" (no agent serves the
/// URL), 8012 (the agent is up but nothing listens on the upstream it forwards to), 3004 (the upstream's answer was not
/// valid HTTP), 6024 (the free plan's browser-warning interstitial, skipped by sending
/// <see cref="SkipBrowserWarningHeader"/>). A code found only in the body counts when the status is an error or
/// the page is the interstitial, so a detector's own page that merely mentions a code is not mistaken for the edge.
/// </para>
/// <para>
/// Cloudflare (https://developers.cloudflare.com/support/troubleshooting/cloudflare-errors/troubleshooting-cloudflare-1xxx-errors/,
/// "Troubleshooting Cloudflare 1XXX errors") answers its own errors with an HTTP status (530 for a tunnel's host) and a
/// 1XXX code in the body only, as "error code: 1033" (plain text) or "Error 1033" / <c>cf-error-code</c> (HTML):
/// 1033 "Cloudflare Tunnel error" (no cloudflared is connected for the hostname) and 1016 "Origin DNS error" (the
/// hostname no longer names a tunnel, as when a quick tunnel is gone) mean the endpoint is offline; any other 1XXX
/// is the edge's own error. They are reported as <c>CLOUDFLARE_1033</c> etc., and count only with an error status.
/// </para>
/// </summary>
public static partial class EdgeAnswer
{
    /// <summary>Request header that asks ngrok's edge not to serve the browser-warning interstitial (any value).</summary>
    public const string SkipBrowserWarningHeader = "ngrok-skip-browser-warning";

    /// <summary>Response header in which ngrok's edge names the error code of its own pages.</summary>
    public const string ErrorCodeHeader = "ngrok-error-code";

    public const string EndpointOfflineCode = "ERR_NGROK_3200";
    public const string UpstreamDownCode = "ERR_NGROK_8012";
    public const string InvalidUpstreamAnswerCode = "ERR_NGROK_3004";
    public const string BrowserWarningCode = "ERR_NGROK_6024";

    /// <summary>The prefix of a Cloudflare edge code as Fleet reports it: <c>CLOUDFLARE_1033</c>.</summary>
    public const string CloudflarePrefix = "CLOUDFLARE_";

    public const string CloudflareTunnelOfflineCode = CloudflarePrefix + "1033";
    public const string CloudflareOriginDnsCode = CloudflarePrefix + "1016";

    /// <summary>How much of the body the classifier looks at; an edge page names its code near the top.</summary>
    public const int MaxBodyBytes = 8 * 1024;

    /// <summary>The outcome (<see cref="CheckOutcomes"/>) and the provider's code, if any, of one HTTP answer.</summary>
    public static (string Outcome, string? Code) Classify(int status, string? errorCodeHeader, ReadOnlySpan<byte> bodyStart)
    {
        var code = CodeIn(errorCodeHeader?.ToUpperInvariant());
        if (code is null)
        {
            // Latin-1 maps every byte to one char: a cut multi-byte sequence cannot hide the ASCII code next to it.
            var text = Encoding.Latin1.GetString(bodyStart[..Math.Min(bodyStart.Length, MaxBodyBytes)]);
            var fromBody = CodeIn(text) ?? (status >= 400 ? CloudflareCodeIn(text) : null);
            code = fromBody is not null && (status >= 400 || fromBody == BrowserWarningCode) ? fromBody : null;
        }

        return code switch
        {
            null => (CheckOutcomes.Ok, null),
            EndpointOfflineCode or CloudflareTunnelOfflineCode or CloudflareOriginDnsCode => (CheckOutcomes.EndpointOffline, code),
            UpstreamDownCode => (CheckOutcomes.UpstreamDown, code),
            _ => (CheckOutcomes.EdgeError, code),
        };
    }

    private static string? CodeIn(string? text) =>
        text is not null && CodePattern().Match(text) is { Success: true } match ? match.Value : null;

    private static string? CloudflareCodeIn(string text) =>
        CloudflarePattern().Match(text) is { Success: true } match ? CloudflarePrefix + match.Groups[1].Value : null;

    // "error code: 1033" (the plain-text page), "Error 1033" (the HTML title and heading), cf-error-code">1033 (its span).
    [GeneratedRegex(@"(?:error code:\s*|Error\s+|cf-error-code[^>]*>\s*)(1[0-9]{3})\b", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex CloudflarePattern();

    [GeneratedRegex("ERR_NGROK_[0-9]{1,6}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex CodePattern();
}
