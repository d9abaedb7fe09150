namespace Fleet.Api.Paging;

/// <summary>
/// The <c>Link: &lt;…&gt;; rel="next"</c> header of a keyset-paged list: the same path and query with <c>after</c>
/// replaced by the next cursor. Shared by every paged list.
/// </summary>
internal static class PageLinks
{
    public static void SetNext(HttpResponse response, string cursor) =>
        response.Headers.Link = $"<{NextPageUrl(response.HttpContext.Request, cursor)}>; rel=\"next\"";

    public static string NextPageUrl(HttpRequest request, string cursor)
    {
        var query = request.Query
            .Where(p => p.Key != "after")
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)))
            .Append(new KeyValuePair<string, string?>("after", cursor));
        return request.PathBase + request.Path + QueryString.Create(query);
    }
}
