namespace Fleet.Api.Ingest;

/// <summary>The stored values the writer needs to describe a change, read under the row lock.</summary>
internal sealed record StoredDetector(long? Epoch, string Status, long? StatusEpoch, string? ProviderError);
