namespace Fleet.Api.Data;

/// <summary>An append-only history row: presence and URL changes, registrations, resets.</summary>
public sealed class EventRecord
{
    public long Id { get; set; }

    public required string DetectorId { get; set; }

    public required string Type { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The event's data object as JSON text (portable across PostgreSQL and SQLite).</summary>
    public string? Data { get; set; }
}
