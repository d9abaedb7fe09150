namespace Fleet.Api.Ingest;

/// <summary>
/// The stored values the writer needs to describe a change: read under the row lock at the start of a batch, then
/// replaced by what each applied statement returned, so it is always the row as the database holds it.
/// </summary>
internal sealed record StoredDetector(long? Epoch, string Status, long? StatusEpoch, string? ProviderError, string? TunnelsHash, string Reachability);
