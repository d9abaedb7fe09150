using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace Fleet.Api.Detectors;

/// <summary>
/// Entity tags of the read endpoints, computed from what the database maintains, never from the page itself, so a
/// 304 costs one tiny query. Several API instances on one database compute the same tags.
/// <para>
/// One detector: its row's <c>version</c>, stamped by a trigger from one counter on every write of the row or of its
/// tunnels. A new write always draws a new value, so an unchanged version means an unchanged representation.
/// </para>
/// <para>
/// A list: the query, the newest version issued and (PostgreSQL) the writers in flight in the snapshot. Why that is
/// enough: every writer takes its transaction id and then draws a version (insert, update, delete, tunnel change)
/// before it commits. A writer that commits between two requests was either in flight at the first one (then it is
/// in the first list and not in the second) or took its id after the first snapshot (then its version is newer than
/// any issued when the mark was read, provided no version was drawn while the snapshot was taken: the mark is read
/// before and after it, and equal values prove that). So equal tags mean no commit in between. SQLite has one writer
/// at a time, so its counter alone is commit-ordered. A 200 computes its tag before its page: a tag may be older than
/// the page (a later request then just misses), never newer.
/// </para>
/// </summary>
internal static class DetectorETags
{
    // Changes when the representation changes shape, so clients do not keep a cached page of an older API.
    private const string Representation = "1";

    public static EntityTagHeaderValue ForDetector(long version) =>
        new($"\"{Representation}.{version.ToString(CultureInfo.InvariantCulture)}\"");

    public static EntityTagHeaderValue ForList(DetectorQuery query, long version, string inFlight)
    {
        var key = string.Join('\n',
            Representation,
            string.Join(',', query.Statuses),
            string.Join(',', query.Tags),
            query.Text ?? string.Empty,
            query.Limit.ToString(CultureInfo.InvariantCulture),
            query.After ?? string.Empty,
            version.ToString(CultureInfo.InvariantCulture),
            inFlight);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        return new($"\"{Convert.ToBase64String(hash[..18]).Replace('+', '-').Replace('/', '_')}\"");
    }

    /// <summary>If-None-Match with the weak comparison RFC 9110 prescribes for it; <c>*</c> matches any current representation.</summary>
    public static bool Matches(HttpRequest request, EntityTagHeaderValue current)
    {
        var header = request.Headers.IfNoneMatch;
        if (header.Count == 0 || !EntityTagHeaderValue.TryParseList(header, out var tags))
        {
            return false;
        }

        return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(current, useStrongComparison: false));
    }

    public static bool IsConditional(HttpRequest request) => request.Headers.IfNoneMatch.Count > 0;

    /// <summary>Clients may keep a copy but must ask again every time (a conditional request is cheap); shared caches may not (API keys are not Authorization headers to them).</summary>
    public static void Set(HttpResponse response, EntityTagHeaderValue? tag)
    {
        response.Headers.CacheControl = "no-cache, private";
        if (tag is not null)
        {
            response.Headers.ETag = tag.ToString();
        }
    }
}
