using System.Text.Json.Nodes;
using Fleet.Api.Data;
using Fleet.Domain.Messages;

namespace Fleet.Api.Ingest;

/// <summary>Adds an event to the history table (in the writer's transaction) and to the list handed to publishers.</summary>
internal sealed class EventRecorder(FleetDbContext db, string detectorId, DateTimeOffset at, List<FleetEvent> events)
{
    public void Add(string type, JsonObject? data)
    {
        db.Events.Add(new EventRecord { DetectorId = detectorId, Type = type, At = at, Data = data?.ToJsonString() });
        events.Add(new FleetEvent { Type = type, DetectorId = detectorId, At = at, Data = data });
    }
}
