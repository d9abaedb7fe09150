using Fleet.Domain.Messages;

namespace Fleet.Api.Reachability;

/// <summary>One probe's result, with what the prober spent on it: <paramref name="BytesRead"/> from the socket, and whether it tried to connect.</summary>
internal sealed record ProbeAttempt(TunnelCheck Check, string? RefusalReason, long BytesRead, bool ConnectAttempted);
