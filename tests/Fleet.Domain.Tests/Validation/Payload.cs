using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Fleet.Domain.Tests.Golden;

namespace Fleet.Domain.Tests.Validation;

/// <summary>Builds MQTT-like payloads (<see cref="ReadOnlySequence{T}"/> of UTF-8 bytes) for the parser.</summary>
internal static class Payload
{
    public static ReadOnlySequence<byte> Of(string json) => new(Encoding.UTF8.GetBytes(json));

    public static ReadOnlySequence<byte> Of(JsonNode node) => Of(node.ToJsonString());

    public static ReadOnlySequence<byte> Of(byte[] bytes) => new(bytes);

    /// <summary>The contract's example state payload as a mutable tree.</summary>
    public static JsonObject State() => JsonNode.Parse(GoldenFile.Read("state.json"))!.AsObject();

    /// <summary>The bytes split into segments of at most <paramref name="segmentLength"/>, as a network buffer may deliver them.</summary>
    public static ReadOnlySequence<byte> InSegments(byte[] bytes, int segmentLength)
    {
        var first = new Segment(bytes.AsMemory(0, Math.Min(segmentLength, bytes.Length)));
        var last = first;
        for (var offset = segmentLength; offset < bytes.Length; offset += segmentLength)
        {
            last = last.Append(bytes.AsMemory(offset, Math.Min(segmentLength, bytes.Length - offset)));
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>UTF-8 of <paramref name="json"/> with the placeholder "@@" replaced by raw (possibly invalid) bytes.</summary>
    public static byte[] WithRawBytes(string json, params byte[] raw)
    {
        var at = json.IndexOf("@@", StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(json[..at]), .. raw, .. Encoding.UTF8.GetBytes(json[(at + 2)..])];
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
