using System.Buffers;

namespace Fleet.Api.Registry;

/// <summary>
/// Serialised views written as they are: one view, or a JSON array of them (<c>[a,b,…]</c>, the bytes the serializer
/// would write for the list). The OpenAPI document still describes the response by the endpoint's typed results.
/// </summary>
internal sealed class RegistryJsonResult : IResult
{
    private static readonly byte[] Open = "["u8.ToArray();
    private static readonly byte[] Close = "]"u8.ToArray();
    private static readonly byte[] Comma = ","u8.ToArray();

    private readonly IReadOnlyList<byte[]> _items;
    private readonly bool _array;

    private RegistryJsonResult(IReadOnlyList<byte[]> items, bool array) => (_items, _array) = (items, array);

    public static RegistryJsonResult List(IReadOnlyList<RegistryEntry> entries) => new([.. entries.Select(e => e.Json)], true);

    public static RegistryJsonResult One(RegistryEntry entry) => new([entry.OneJson], false);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        long length = _array ? 2 + Math.Max(0, _items.Count - 1) : 0;
        foreach (var item in _items)
        {
            length += item.Length;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = length;
        var body = response.BodyWriter;
        if (_array)
        {
            body.Write(Open);
        }

        for (var i = 0; i < _items.Count; i++)
        {
            if (_array && i > 0)
            {
                body.Write(Comma);
            }

            body.Write(_items[i]);
        }

        if (_array)
        {
            body.Write(Close);
        }

        await body.FlushAsync(httpContext.RequestAborted);
    }
}
