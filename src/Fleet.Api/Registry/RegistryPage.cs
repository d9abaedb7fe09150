using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Fleet.Api.Detectors;
using Microsoft.Net.Http.Headers;

namespace Fleet.Api.Registry;

/// <summary>
/// One page of <c>GET /detectors</c> read from a registry snapshot. A snapshot never changes, so its pages are kept
/// with it (RegistrySnapshot) and their tag and body are computed once, on first use: a dashboard or a monitoring
/// tool asking again costs the lookup, until the next change publishes a new snapshot.
/// </summary>
internal sealed class RegistryPage(DetectorQuery query, IReadOnlyList<RegistryEntry> items, int total, bool more)
{
    private static readonly byte[] Open = "["u8.ToArray();
    private static readonly byte[] Close = "]"u8.ToArray();
    private static readonly byte[] Comma = ","u8.ToArray();

    private EntityTagHeaderValue? _tag;
    private byte[]? _body;

    public IReadOnlyList<RegistryEntry> Items => items;

    public int Total => total;

    public bool More => more;

    /// <summary>The cursor of the next page in the query's order, when more follow.</summary>
    public string? NextCursor => more ? DetectorCursor.Encode(query.Sort, query.Sort.KeyText(items[^1].Name, items[^1].LastSeen), items[^1].Id) : null;

    /// <summary>
    /// The page's ETag: the query, the total, whether a next page follows and the id and version of every item. A
    /// version names exactly one representation of its detector (a new value on every write), so equal tags mean equal
    /// bodies, on any instance and across restarts; "m" keeps these tags apart from the database path's marks.
    /// </summary>
    public EntityTagHeaderValue Tag => _tag ??= ComputeTag();

    /// <summary>The JSON array of the items' views: the bytes the serializer would write for the list.</summary>
    public byte[] Body => _body ??= ComputeBody();

    private EntityTagHeaderValue ComputeTag()
    {
        var buffer = new ArrayBufferWriter<byte>(256 + items.Count * 32);
        buffer.Write(Encoding.UTF8.GetBytes(DetectorETags.ListKey(query, "m")));
        Number(buffer, total);
        Number(buffer, more ? 1 : 0);
        foreach (var item in items)
        {
            Encoding.UTF8.GetBytes(item.Id, buffer);
            Number(buffer, item.Version);
        }

        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(buffer.WrittenSpan, digest);
        return DetectorETags.FromDigest(digest);
    }

    private byte[] ComputeBody()
    {
        var length = 2 + Math.Max(0, items.Count - 1);
        foreach (var item in items)
        {
            length += item.Json.Length;
        }

        var body = new byte[length];
        var span = body.AsSpan();
        Open.CopyTo(span);
        var at = 1;
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0)
            {
                Comma.CopyTo(span[at..]);
                at++;
            }

            items[i].Json.CopyTo(span[at..]);
            at += items[i].Json.Length;
        }

        Close.CopyTo(span[at..]);
        return body;
    }

    private static void Number(ArrayBufferWriter<byte> buffer, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(buffer.GetSpan(8), value);
        buffer.Advance(8);
    }
}
