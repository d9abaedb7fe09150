using Microsoft.Net.Http.Headers;

namespace Fleet.Api.Links;

internal static class AcceptPreference
{
    /// <summary>
    /// True when the request's Accept header ranks <c>text/plain</c> strictly above JSON (<c>application/json</c>,
    /// <c>application/*</c> or <c>*/*</c>); a tie or no header means JSON.
    /// </summary>
    public static bool PrefersPlainText(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0)
        {
            return false;
        }

        double text = 0, json = 0;
        foreach (var range in accept)
        {
            var quality = range.Quality ?? 1.0;
            var type = range.MediaType.Value?.ToLowerInvariant();
            if (type is "text/plain" or "text/*")
            {
                text = Math.Max(text, type == "text/plain" ? quality : quality * 0.999);
            }
            else if (type is "application/json" or "application/*")
            {
                json = Math.Max(json, quality);
            }
            else if (type == "*/*")
            {
                json = Math.Max(json, quality);
                text = Math.Max(text, quality * 0.999);
            }
        }

        return text > json;
    }
}
