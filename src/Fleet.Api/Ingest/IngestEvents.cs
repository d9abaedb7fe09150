using System.Text.Json.Nodes;
using Fleet.Domain.Messages;

namespace Fleet.Api.Ingest;

/// <summary>The events an applied message causes, from the row as it was stored just before it.</summary>
internal static class IngestEvents
{
    public static List<FleetEvent> OfState(string detectorId, DateTimeOffset at, StoredDetector? before, StateMessage state)
    {
        var events = new List<FleetEvent>();
        if (before is null)
        {
            events.Add(New(EventTypes.Registered, detectorId, at, null));
        }

        if (before?.Epoch is { } oldEpoch && state.Epoch < oldEpoch)
        {
            events.Add(New(EventTypes.EpochReset, detectorId, at, new JsonObject { ["from"] = oldEpoch, ["to"] = state.Epoch }));
        }

        var startsConnection = before?.StatusEpoch is not { } statusEpoch || statusEpoch < state.Epoch || state.Epoch < before.Epoch;
        if (before is not null && before.Status != "online" && startsConnection)
        {
            events.Add(New(EventTypes.Online, detectorId, at, new JsonObject { ["epoch"] = state.Epoch }));
        }

        if (state.Provider?.Error is { } error && error != before?.ProviderError)
        {
            events.Add(New(EventTypes.ProviderError, detectorId, at, new JsonObject { ["error"] = error, ["state"] = state.Provider.State }));
        }

        return events;
    }

    public static List<FleetEvent> OfStatus(string detectorId, DateTimeOffset at, StoredDetector? before, StatusMessage status)
    {
        var events = new List<FleetEvent>();
        if (before is null)
        {
            events.Add(New(EventTypes.Registered, detectorId, at, null));
        }

        var wire = status.State.ToWire();
        if (before?.Status != wire)
        {
            events.Add(New(wire, detectorId, at, new JsonObject { ["epoch"] = status.Epoch, ["reason"] = status.Reason }));
        }

        return events;
    }

    public static FleetEvent New(string type, string detectorId, DateTimeOffset at, JsonObject? data) =>
        new() { Type = type, DetectorId = detectorId, At = at, Data = data };
}
