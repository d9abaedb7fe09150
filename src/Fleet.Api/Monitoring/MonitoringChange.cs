using Fleet.Domain.Messages;

namespace Fleet.Api.Monitoring;

/// <summary>One committed change of one detector, waiting to be published to the monitoring topics.</summary>
internal sealed record MonitoringChange(string DetectorId, IReadOnlyList<FleetEvent> Events)
{
    /// <summary>
    /// One change per detector, in the order each was first queued, with the events of all its changes in queue order:
    /// the view published after them is read once, after all of them.
    /// </summary>
    public static List<MonitoringChange> Merge(IReadOnlyList<MonitoringChange> changes)
    {
        var merged = new List<MonitoringChange>(changes.Count);
        var at = new Dictionary<string, int>(changes.Count, StringComparer.Ordinal);
        foreach (var change in changes)
        {
            if (!at.TryGetValue(change.DetectorId, out var index))
            {
                at[change.DetectorId] = merged.Count;
                merged.Add(change);
            }
            else if (change.Events.Count > 0)
            {
                var earlier = merged[index];
                merged[index] = earlier with { Events = [.. earlier.Events, .. change.Events] };
            }
        }

        return merged;
    }
}
