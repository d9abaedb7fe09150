using System.Text.Json;
using System.Text.Json.Serialization;

namespace Fleet.Domain.Messages;

/// <summary>
/// Reads a presence exactly as the contract spells it. The framework's enum converter would also take numbers,
/// other casings and comma lists ("online, offline" reads as a flag combination), none of which an agent sends.
/// </summary>
public sealed class StrictPresenceConverter : JsonConverter<Presence>
{
    public override Presence Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("a presence must be the string online, offline or lost");
        }

        var value = reader.GetString();
        return PresenceNames.TryParse(value, out var presence)
            ? presence
            : throw new JsonException($"'{value}' is not a presence: expected online, offline or lost");
    }

    public override void Write(Utf8JsonWriter writer, Presence value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToWire());
}
