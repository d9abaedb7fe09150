using Fleet.Domain.Messages;

namespace Fleet.Domain.Tests.Ordering;

/// <summary>The true history of one detector and the messages the API received for it, in arrival order.</summary>
internal sealed record DetectorHistory(IReadOnlyList<Connection> Connections, IReadOnlyList<WireMessage> Delivered)
{
    /// <summary>Everything the detector (and the broker, for its wills) really sent, in order.</summary>
    public static List<WireMessage> TrueMessages(IEnumerable<Connection> connections)
    {
        var messages = new List<WireMessage>();
        foreach (var connection in connections)
        {
            messages.Add(WireMessage.Status(connection.Epoch, Presence.Online));
            for (var seq = 0; seq < connection.StateCount; seq++)
            {
                messages.Add(WireMessage.State(connection.Epoch, seq));
            }

            if (connection.Ending is { } ending)
            {
                messages.Add(WireMessage.Status(connection.Epoch, ending));
            }
        }

        return messages;
    }

    public override string ToString() =>
        $"connections: [{string.Join(", ", Connections.Select(c => $"{c.Epoch}: {c.StateCount} states, {c.Ending?.ToWire() ?? "open"}"))}]; "
        + $"delivered: [{string.Join(", ", Delivered)}]";
}
