using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace Fleet.Api.Detectors;

/// <summary>
/// Entity tags of the read endpoints, computed from what the database maintains, never from the page itself, so a
/// 304 costs one tiny query. Several API instances on one database compute the same tags.
/// <para>
/// One detector: its row's <c>version</c>, stamped by a trigger from one sequence on every write of the row or of its
/// tunnels. Every write draws a new value, so an unchanged version means an unchanged representation.
/// </para>
/// <para>
/// A list, PostgreSQL: the query and 16 counters read in the page's own statement. Every transaction that writes a
/// detector bumps one of them at commit, and a counter's row lock orders its bumps by commit, so the values a statement
/// sees name exactly the writing transactions it sees: equal values mean equal pages (the ListMarks migration). A
/// "newest version" (or a count) is not enough: a writer can draw a lower version, stay invisible and commit later;
/// the test ListETag_UnderConcurrentWriters_SameTagAlwaysMeansSameBody caught exactly that. The server-wide snapshot
/// (<c>pg_current_snapshot()</c>) used before was exact too, but every transaction of every database on the server moved
/// it, so a shared or busy server answered almost no 304s (and a test of two instances agreeing failed on a busy CI
/// server). SQLite: the query and a counter row the triggers bump (one writer at a time, so it is commit-ordered). The
/// tag, the total and the page come from one statement, so the tag describes exactly the body.
/// </para>
/// </summary>
internal static class DetectorETags
{
    // Changes when the representation changes shape, so clients do not keep a cached page of an older API.
    private const string Representation = "3";

    public static EntityTagHeaderValue ForDetector(long version) =>
        new($"\"{Representation}.{version.ToString(CultureInfo.InvariantCulture)}\"");

    /// <summary>One detector with its relay port, which GET /detectors/{id} shows but the row's version does not cover.</summary>
    public static EntityTagHeaderValue ForDetector(long version, Domain.Messages.RelayPortAssignment? relay) =>
        relay is null
            ? ForDetector(version)
            : new($"\"{Representation}.{version.ToString(CultureInfo.InvariantCulture)}.{relay.Relay}.{relay.Port.ToString(CultureInfo.InvariantCulture)}\"");

    public static EntityTagHeaderValue ForList(DetectorQuery query, string mark)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(ListKey(query, mark)), hash);
        return FromDigest(hash);
    }

    /// <summary>What a list's tag depends on besides its data: the representation and every part of the query.</summary>
    public static string ListKey(DetectorQuery query, string mark) =>
        string.Join('\n',
            Representation,
            string.Join(',', query.Statuses),
            string.Join(',', query.Reachabilities),
            string.Join(',', query.Healths),
            string.Join(',', query.Tags),
            query.Text ?? string.Empty,
            query.Limit.ToString(CultureInfo.InvariantCulture),
            query.After ?? string.Empty,
            string.Join(',', query.Providers),
            query.NgrokAccount ?? string.Empty,
            query.Sort.ToWire(),
            query.AfterKey ?? string.Empty,
            mark);

    /// <summary>A strong tag from a SHA-256 digest: its first 18 bytes, base64url.</summary>
    public static EntityTagHeaderValue FromDigest(ReadOnlySpan<byte> digest) =>
        new($"\"{Convert.ToBase64String(digest[..18]).Replace('+', '-').Replace('/', '_')}\"");

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
