using System.Text.Json;
using System.Text.Json.Nodes;
using Fleet.Api.Ingest;
using Fleet.Domain.Messages;

namespace Fleet.Api.Health;

/// <summary>
/// The health bookkeeping of the ingest and the views: how the section is stored (its JSON, as the agent sent it after
/// validation), read back, and which change is a <c>health-changed</c> event.
/// </summary>
internal static class HealthRecords
{
    public static string? Json(HealthReport? health) =>
        health is null ? null : JsonSerializer.Serialize(health, FleetJsonContext.Default.HealthReport);

    /// <summary>The stored section; null when there is none or it does not read (a row written by hand).</summary>
    public static HealthReport? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, FleetJsonContext.Default.HealthReport);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The history event of a change of the health status, or null when it is none: a state without health (an older
    /// agent, health off) says nothing, and a first <c>ok</c> is no news. Data: <c>{from, to, failing}</c>, failing being
    /// the checks not ok ({name, outcome, text}).
    /// </summary>
    public static FleetEvent? EventOf(string detectorId, DateTimeOffset at, string? from, HealthReport? to)
    {
        if (to is null || to.Status == from || (from is null && to.Status == HealthOutcomes.Ok))
        {
            return null;
        }

        var failing = new JsonArray();
        foreach (var check in to.Checks.Where(c => c.Outcome != HealthOutcomes.Ok))
        {
            failing.Add(new JsonObject { ["name"] = check.Name, ["outcome"] = check.Outcome, ["text"] = check.Text });
        }

        return IngestEvents.New(EventTypes.HealthChanged, detectorId, at, new JsonObject { ["from"] = from, ["to"] = to.Status, ["failing"] = failing });
    }
}
