using System.Text.Json.Nodes;
using Fleet.Api.Health;
using Fleet.Domain.Messages;
using Fleet.Domain.Ordering;

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

        var incoming = new StateVersion(state.Epoch, state.Seq);
        var incarnation = before?.Lives.Classify(state.Instance) ?? Incarnation.Unknown;
        if (incarnation == Incarnation.New)
        {
            events.Add(EpochReset(detectorId, at, before!.Epoch ?? before.StatusEpoch, state.Epoch, newInstance: true));
        }
        else if (before is { StateIsCurrent: true, Version: { } stored } && incoming <= stored)
        {
            // Applied although not newer: a reset (a lower epoch, or an older agent's equal one, after the window).
            events.Add(EpochReset(detectorId, at, stored.Epoch, state.Epoch, newInstance: false));
        }

        var startsConnection = OrderingRules.StartsConnection(before?.Version, before is { StateIsCurrent: true } ? at : null, before?.StatusEpoch, incoming, incarnation);
        if (before is not null && before.Status != "online" && startsConnection)
        {
            events.Add(New(EventTypes.Online, detectorId, at, new JsonObject { ["epoch"] = state.Epoch }));
        }

        if (state.Provider?.Error is { } error && error != before?.ProviderError)
        {
            events.Add(New(EventTypes.ProviderError, detectorId, at, new JsonObject { ["error"] = error, ["state"] = state.Provider.State }));
        }

        if (HealthRecords.EventOf(detectorId, at, before?.HealthStatus, state.Health) is { } healthChanged)
        {
            events.Add(healthChanged);
        }

        // The failover chain moved to another provider (or the agent was configured with another one).
        if (state.Provider?.Kind is { } to && before?.ProviderKind is { } from && from != to)
        {
            events.Add(New(EventTypes.ProviderSwitched, detectorId, at, new JsonObject { ["from"] = from, ["to"] = to, ["reason"] = state.Provider.Reason }));
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
        else if (before.Lives.Classify(status.Instance) == Incarnation.New)
        {
            events.Add(EpochReset(detectorId, at, before.Epoch ?? before.StatusEpoch, status.Epoch, newInstance: true));
        }

        var wire = status.State.ToWire();
        if (before?.Status != wire)
        {
            events.Add(New(wire, detectorId, at, new JsonObject { ["epoch"] = status.Epoch, ["reason"] = status.Reason }));
        }

        return events;
    }

    // newInstance: the agent's incarnation id changed (a re-flashed card), rather than the reset window passing.
    private static FleetEvent EpochReset(string detectorId, DateTimeOffset at, long? from, long to, bool newInstance)
    {
        var data = new JsonObject { ["from"] = from, ["to"] = to };
        if (newInstance)
        {
            data["newInstance"] = true;
        }

        return New(EventTypes.EpochReset, detectorId, at, data);
    }

    public static FleetEvent New(string type, string detectorId, DateTimeOffset at, JsonObject? data) =>
        new() { Type = type, DetectorId = detectorId, At = at, Data = data };
}
