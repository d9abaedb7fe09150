using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Domain.Messages;

/// <summary>
/// Writes timestamps as UTC with a 'Z' (<c>2026-11-28T10:00:00Z</c>), the form the contract shows and every
/// consumer parses; reads any ISO 8601 offset.
/// </summary>
public sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
}
