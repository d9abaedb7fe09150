using Fleet.Api.Data;

namespace Fleet.Api.PresenceSweep;

/// <summary>
/// The sweep as one conditional statement: only rows that are online and silent for longer than their own timeout
/// change, and RETURNING names them, so several API instances (or a sweep racing a fresh heartbeat) never record a
/// detector as lost twice or mark one that was just heard.
/// Only the timestamp arithmetic differs per provider (the dialect's MinusSeconds).
/// </summary>
internal static class PresenceSql
{
    // Seconds of silence a detector is allowed: MissedHeartbeats × its heartbeat (the default when it never said).
    private const string SilenceAllowed = "COALESCE(heartbeat_seconds, @default_heartbeat) * @missed";

    public static string MarkSilentLost(ISqlDialect dialect) => $"""
        UPDATE detectors SET status = 'lost', status_since = @now
        WHERE status = 'online'
            AND {dialect.Greatest}(COALESCE(last_seen_at, status_since, created_at), @stable_since) < {dialect.MinusSeconds("@now", SilenceAllowed)}
        RETURNING id AS "Value"
        """;
}
