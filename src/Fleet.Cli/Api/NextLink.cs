using System.Web;

namespace Fleet.Cli.Api;

/// <summary>The <c>after</c> cursor of a paged list's <c>Link: &lt;…&gt;; rel="next"</c> header, or null on the last page.</summary>
internal static class NextLink
{
    public static string? Cursor(IDictionary<string, IEnumerable<string>> headers)
    {
        var link = headers.FirstOrDefault(h => string.Equals(h.Key, "Link", StringComparison.OrdinalIgnoreCase)).Value;
        foreach (var part in (link ?? []).SelectMany(v => v.Split(',')))
        {
            var pieces = part.Split(';', StringSplitOptions.TrimEntries);
            if (pieces.Length > 1 && pieces.Skip(1).Any(p => p.Replace(" ", string.Empty, StringComparison.Ordinal) == "rel=\"next\"")
                && pieces[0].StartsWith('<') && pieces[0].EndsWith('>'))
            {
                var target = pieces[0][1..^1];
                var query = target.Contains('?', StringComparison.Ordinal) ? target[(target.IndexOf('?', StringComparison.Ordinal) + 1)..] : string.Empty;
                return HttpUtility.ParseQueryString(query)["after"];
            }
        }

        return null;
    }
}
