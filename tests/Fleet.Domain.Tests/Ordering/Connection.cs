using Fleet.Domain.Messages;

namespace Fleet.Domain.Tests.Ordering;

/// <summary>One MQTT connection of a detector: its epoch, how many states it sent (seq 0..n-1), how it ended.</summary>
internal sealed record Connection(long Epoch, int StateCount, Presence? Ending);
