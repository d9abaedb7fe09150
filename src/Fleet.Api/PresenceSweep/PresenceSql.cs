using Fleet.Api.Data;

namespace Fleet.Api.PresenceSweep;

/// <summary>
/// The sweep as one conditional statement: only rows that are online and silent for longer than their own timeout
/// change, and RETURNING names them, so several API instances (or a sweep racing a fresh heartbeat) never record a
/// detector as lost twice or mark one that was just heard. Only the timestamp arithmetic differs per provider.
/// </summary>
internal static class PresenceSql
{
    public static string MarkSilentLost(ISqlDialect dialect) => $"""
        UPDATE detectors SET status = 'lost', status_since = @now
        WHERE status = 'online'
            AND {dialect.Greatest}(COALESCE(last_seen_at, status_since, created_at), @stable_since) < {Cutoff(dialect)}
        RETURNING id AS "Value"
        """;

    // @now minus MissedHeartbeats × the detector's heartbeat (the default when it never said).
    private static string Cutoff(ISqlDialect dialect) => dialect switch
    {
        PostgresDialect => "@now - make_interval(secs => COALESCE(heartbeat_seconds, @default_heartbeat) * @missed)",
        // SQLite stores timestamps as Unix milliseconds (UnixMillisecondsConverter).
        SqliteDialect => "@now - COALESCE(heartbeat_seconds, @default_heartbeat) * @missed * 1000",
        _ => throw new NotSupportedException($"No presence sweep SQL for {dialect.GetType().Name}."),
    };
}
