using System.Text.Json.Serialization;

namespace Fleet.Domain.Messages;

/// <summary>
/// Presence of a detector. <see cref="Unknown"/> only appears in the API's views (never heard from); a status
/// payload carries one of the other three.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<Presence>))]
public enum Presence
{
    [JsonStringEnumMemberName("unknown")]
    Unknown,

    [JsonStringEnumMemberName("online")]
    Online,

    [JsonStringEnumMemberName("offline")]
    Offline,

    [JsonStringEnumMemberName("lost")]
    Lost,
}
