namespace Fleet.Benchmarks.Scenarios;

/// <summary>
/// The API's read statements for PostgreSQL, unfiltered, as text: src/Fleet.Api/Detectors/DetectorReadSql.cs (Page, One),
/// DetectorColumns.Select and PostgresDialect (ListMarkSource, TunnelsJoin: a LATERAL lookup per page row, not
/// <c>detector_id = ANY(@ids)</c>, which hashes the whole tunnels table). Same statements, so the same plans: the
/// ceiling differs from the API only in what the API adds around them. Kept by hand: change it with those files.
/// </summary>
internal static class CeilingSql
{
    /// <summary>Where the detector columns start in a page row: after the mark and the total.</summary>
    public const int PageOffset = 2;

    private const string Columns = """
        d.id, d.name, d.tags, d.notes, d.location, d.status, d.status_since, d.last_seen_at, d.epoch, d.seq,
        d.provider_kind, d.provider_version, d.provider_state, d.provider_restarts, d.provider_error,
        d.agent_version, d.agent_hostname, d.agent_os, d.agent_arch, d.agent_started_at, d.version,
        d.state_at, d.reachability, d.reachability_since, d.health_status, d.health,
        t.name AS tunnel_name, t.url AS tunnel_url, t.proto AS tunnel_proto, t.upstream AS tunnel_upstream, t.since AS tunnel_since,
        t.check_outcome, t.check_code, t.check_http_status, t.check_latency_ms, t.check_at,
        t.probe_outcome, t.probe_code, t.probe_http_status, t.probe_latency_ms, t.probe_at,
        d.provider_reason, d.provider_since, d.ngrok_account
        """;

    /// <summary>First tunnel column (DetectorColumns.TunnelName) and the three detector columns after the tunnel's.</summary>
    public const int TunnelFirst = 26;

    public const int TunnelLast = 40;

    /// <summary>The first page has no cursor condition at all, as in the API (its <c>query.After</c> is null).</summary>
    public static string Page(bool after) => after ? PageAfter : FirstPage;

    private const string FirstPage = $"""
        SELECT m.f, CASE WHEN m.f = @known_mark THEN @known_total
            ELSE (SELECT count(*) FROM detectors d WHERE 1 = 1) END, p.*
        FROM (SELECT string_agg(value::text, '.' ORDER BY stripe) AS f FROM detector_list_marks) m
        LEFT JOIN (
            SELECT {Columns}
            FROM (SELECT * FROM detectors d WHERE 1 = 1 ORDER BY d.id LIMIT @take) d
            LEFT JOIN LATERAL (SELECT * FROM tunnels t WHERE t.detector_id = d.id OFFSET 0) t ON true
        ) p ON 1 = 1
        ORDER BY p.id;
        """;

    private static readonly string PageAfter = FirstPage.Replace("WHERE 1 = 1 ORDER BY d.id", "WHERE 1 = 1 AND d.id > @after ORDER BY d.id", StringComparison.Ordinal);

    public const string One = $"SELECT {Columns} FROM detectors d LEFT JOIN tunnels t ON t.detector_id = d.id WHERE d.id = @id;";
}
