using Fleet.Domain.Ordering;

namespace Fleet.Api.Ingest;

/// <summary>
/// The stored values the writer needs to describe a change: read under the row lock at the start of a batch, then
/// replaced by what each applied statement returned, so it is always the row as the database holds it.
/// </summary>
/// <param name="StateIsCurrent">
/// Whether the stored state belongs to the current life (state_at is set): false when a new instance's presence came
/// before its first state, or when no state was stored (OrderingRules).
/// </param>
internal sealed record StoredDetector(
    long? Epoch, string Status, long? StatusEpoch, string? ProviderError, string? TunnelsHash, string Reachability,
    long? Seq = null, bool StateIsCurrent = false, string? Instance = null, string? PreviousInstance = null, string? HealthStatus = null,
    string? ProviderKind = null)
{
    public StateVersion? Version => Epoch is { } epoch && Seq is { } seq ? new StateVersion(epoch, seq) : null;

    public Lives Lives => new(Instance, PreviousInstance);
}
