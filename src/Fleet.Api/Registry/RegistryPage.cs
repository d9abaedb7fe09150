using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Fleet.Api.Detectors;
using Microsoft.Net.Http.Headers;

namespace Fleet.Api.Registry;

/// <summary>One page of <c>GET /detectors</c> read from a registry snapshot.</summary>
internal sealed record RegistryPage(DetectorQuery Query, IReadOnlyList<RegistryEntry> Items, int Total, bool More)
{
    /// <summary>The cursor of the next page: the last id of this one, when more follow.</summary>
    public string? LastId => More ? Items[^1].Id : null;

    /// <summary>The cursor of the next page in the query's order, when more follow.</summary>
    public string? NextCursor => More ? DetectorCursor.Encode(Query.Sort, Query.Sort.KeyText(Items[^1].Name, Items[^1].LastSeen), Items[^1].Id) : null;

    /// <summary>
    /// The page's ETag: the query, the total, whether a next page follows and the id and version of every item. A
    /// version names exactly one representation of its detector (a new value on every write), so equal tags mean equal
    /// bodies, on any instance and across restarts; "m" keeps these tags apart from the database path's marks.
    /// </summary>
    public EntityTagHeaderValue Tag
    {
        get
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(Encoding.UTF8.GetBytes(DetectorETags.ListKey(Query, "m")));
            Span<byte> number = stackalloc byte[8];
            Append(hash, number, Total);
            Append(hash, number, More ? 1 : 0);
            foreach (var item in Items)
            {
                hash.AppendData(Encoding.UTF8.GetBytes(item.Id));
                Append(hash, number, item.Version);
            }

            Span<byte> digest = stackalloc byte[32];
            hash.GetHashAndReset(digest);
            return DetectorETags.FromDigest(digest);
        }
    }

    private static void Append(IncrementalHash hash, Span<byte> buffer, long value)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(buffer, value);
        hash.AppendData(buffer);
    }
}
