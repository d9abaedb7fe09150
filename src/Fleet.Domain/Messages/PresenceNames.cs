namespace Fleet.Domain.Messages;

/// <summary>The wire names of <see cref="Presence"/>, for query strings and SQL.</summary>
public static class PresenceNames
{
    public static string ToWire(this Presence presence) => presence switch
    {
        Presence.Online => "online",
        Presence.Offline => "offline",
        Presence.Lost => "lost",
        _ => "unknown",
    };

    public static bool TryParse(string? value, out Presence presence)
    {
        presence = value switch
        {
            "online" => Presence.Online,
            "offline" => Presence.Offline,
            "lost" => Presence.Lost,
            "unknown" => Presence.Unknown,
            _ => (Presence)(-1),
        };
        return Enum.IsDefined(presence);
    }
}
