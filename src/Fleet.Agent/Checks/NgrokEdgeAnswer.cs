using System.Text;
using System.Text.RegularExpressions;
using Fleet.Domain.Messages;

namespace Fleet.Agent.Checks;

/// <summary>
/// Tells ngrok's own error pages from the detector's answers. ngrok documents that when its edge fails to handle a
/// request it sets the <c>ngrok-error-code</c> response header, which an upstream can never set
/// (https://ngrok.com/docs/endpoints/http/, section "Errors"): that header is the evidence. Only for an error status
/// without it is the start of the body searched for an <c>ERR_NGROK_*</c> code (an older or proxied edge), so that a
/// detector's own 200 page that merely mentions a code is never taken for an edge error.
/// Codes: https://ngrok.com/docs/errors/err_ngrok_3200 (endpoint offline), err_ngrok_8012 (the agent could not reach
/// the upstream), err_ngrok_3004 (invalid response from the upstream), err_ngrok_6024 (the free plan's browser
/// warning, skipped by the <c>ngrok-skip-browser-warning</c> request header: /docs/pricing-limits/free-plan-limits).
/// </summary>
internal static partial class NgrokEdgeAnswer
{
    public const string ErrorCodeHeader = "ngrok-error-code";
    public const string SkipBrowserWarningHeader = "ngrok-skip-browser-warning";
    public const string EndpointOffline = "ERR_NGROK_3200";
    public const string UpstreamUnreachable = "ERR_NGROK_8012";
    public const string InvalidUpstreamResponse = "ERR_NGROK_3004";
    public const string BrowserWarning = "ERR_NGROK_6024";

    /// <summary>The outcome and the provider's code of an HTTP answer through the tunnel.</summary>
    public static (string Outcome, string? Code) Classify(int status, string? headerCode, ReadOnlySpan<byte> bodyStart)
    {
        var code = Normalize(headerCode) ?? (status >= 400 ? FindCode(bodyStart) : null);
        var outcome = code switch
        {
            null => CheckOutcomes.Ok,
            EndpointOffline => CheckOutcomes.EndpointOffline,
            UpstreamUnreachable => CheckOutcomes.UpstreamDown,
            _ => CheckOutcomes.EdgeError,
        };
        return (outcome, code);
    }

    private static string? Normalize(string? header) =>
        header is null ? null : CodePattern().Match(header.ToUpperInvariant()) is { Success: true } match ? match.Value : null;

    private static string? FindCode(ReadOnlySpan<byte> body)
    {
        // Latin-1 maps every byte to one char: a cut multi-byte sequence cannot hide the ASCII code next to it.
        var match = CodePattern().Match(Encoding.Latin1.GetString(body));
        return match.Success ? match.Value : null;
    }

    [GeneratedRegex(@"ERR_NGROK_[0-9]{1,6}", RegexOptions.CultureInvariant)]
    private static partial Regex CodePattern();
}
