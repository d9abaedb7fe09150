using System.Net;

namespace Fleet.FakeNgrok;

/// <summary>
/// ngrok's own error answers, as its documentation describes them. Every error answer carries the `ngrok-error-code`
/// header, which ngrok sets whenever its edge fails to handle a request and which an upstream can never set
/// (https://ngrok.com/docs/endpoints/http/, "Errors"). Codes and messages from the error reference:
/// https://ngrok.com/docs/errors/err_ngrok_3200 ("The endpoint is offline."),
/// https://ngrok.com/docs/errors/err_ngrok_8012 (the agent failed to connect to the upstream),
/// https://ngrok.com/docs/errors/err_ngrok_3004 (invalid or incomplete HTTP response from the upstream),
/// https://ngrok.com/docs/errors/err_ngrok_6024 (the free plan's browser warning; skipped with the
/// `ngrok-skip-browser-warning` request header or a non-browser User-Agent:
/// https://ngrok.com/docs/pricing-limits/free-plan-limits/#removing-the-interstitial-page).
/// The documentation gives no HTTP status for these pages; the statuses here (404, 502, 502, 200) are what ngrok's
/// edge is seen to answer, and the agent's classifier does not depend on them.
/// </summary>
internal static class EdgePages
{
    public const string CodeHeader = "ngrok-error-code";

    public static IResult EndpointOffline(string host) =>
        Page(HttpStatusCode.NotFound, "ERR_NGROK_3200", $"The endpoint https://{host} is offline.");

    public static IResult UpstreamUnreachable(string upstream, string error) =>
        Page(HttpStatusCode.BadGateway, "ERR_NGROK_8012",
            $"Traffic successfully made it to the ngrok agent, but the agent failed to establish a connection to the upstream web service at {upstream}. The error encountered was: {error}");

    public static IResult InvalidUpstreamResponse() =>
        Page(HttpStatusCode.BadGateway, "ERR_NGROK_3004", "ngrok gateway error. The server returned an invalid or incomplete HTTP response.");

    public static IResult BrowserWarning(string host) =>
        Page(HttpStatusCode.OK, "ERR_NGROK_6024",
            $"You are about to visit {host}. This website is served for free through ngrok.com. You should only visit this website if you trust whoever sent the link to you.");

    private static PageResult Page(HttpStatusCode status, string code, string message)
    {
        string text = WebUtility.HtmlEncode(message);
        string html = $"""
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>{code}</title></head>
            <body><h1>{text}</h1><p class="code">{code}</p><a href="https://ngrok.com/docs/errors/{code.ToLowerInvariant()}">Get help with this error</a></body></html>
            """;
        return new PageResult((int)status, code, html);
    }

    private sealed class PageResult(int status, string code, string html) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = status;
            context.Response.Headers[CodeHeader] = code;
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.WriteAsync(html);
        }
    }
}
