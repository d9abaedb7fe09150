namespace Fleet.Simulator.Count;

/// <summary>The one JSON object <c>fleet-sim count</c> prints: messages, seconds from the first to the last, rate.</summary>
internal sealed record CountSummary(long Received, double Seconds, double Rate);
