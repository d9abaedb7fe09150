namespace Fleet.Agent.Cloudflared;

/// <param name="Level">DBG, INF, WRN, ERR or FTL; null for a line cloudflared's logger did not write (its last words).</param>
/// <param name="Text">The line after the timestamp and level.</param>
/// <param name="Words">For <see cref="CloudflaredLogKind.Error"/>: what is wrong, for provider.error (not yet redacted).</param>
/// <param name="Version">For <see cref="CloudflaredLogKind.Version"/>.</param>
internal sealed record CloudflaredLogEvent(string? Level, string Text, CloudflaredLogKind Kind, string? Words = null, string? Version = null);
