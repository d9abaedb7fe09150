namespace Fleet.Api.Ingest;

/// <summary>
/// The detector columns a state message writes, listed once: the state upsert's column list, its VALUES rows (SQLite)
/// or unnest columns (PostgreSQL) and its SET list are all built from this map (IngestSql, once per statement shape);
/// IngestCommands binds the parameters named here. Presence (status, status_epoch, status_since) and the incarnation ids
/// (instance, previous_instance) are not overwritten but decided by the upsert's CASEs.
/// </summary>
internal static class StateWriteColumns
{
    private static readonly Column[] All =
    [
        new("id", "i", "text", Overwrites: false),
        new("epoch", "e", "bigint"),
        new("seq", "s", "bigint"),
        new("state_at", Fixed: "@now"),
        new("sent_at", "sa", "timestamptz"),
        new("heartbeat_seconds", "hb", "integer"),
        new("provider_kind", "pk", "text"),
        new("provider_version", "pv", "text"),
        new("provider_state", "ps", "text"),
        new("provider_restarts", "pr", "integer"),
        new("provider_error", "pe", "text"),
        new("provider_reason", "prr", "text"),
        new("provider_since", "psi", "timestamptz"),
        new("ngrok_account", "nga", "text"),
        new("agent_version", "av", "text"),
        new("agent_hostname", "ah", "text"),
        new("agent_os", "ao", "text"),
        new("agent_arch", "aa", "text"),
        new("agent_started_at", "ast", "timestamptz"),
        new("status", Fixed: "'online'", Overwrites: false),
        new("status_epoch", "e", Overwrites: false),
        new("status_since", Fixed: "@now", Overwrites: false),
        new("last_seen_at", Fixed: "@now"),
        new("created_at", Fixed: "@now", Overwrites: false),
        new("tunnels_hash", "th", "text"),
        new("instance", "inc", "text", Overwrites: false),
        new("health_status", "hs", "text"),
        new("health", "hj", "text"),
    ];

    /// <summary>The INSERT column list.</summary>
    public static string Names { get; } = string.Join(", ", All.Select(c => c.Name));

    /// <summary>SELECT … FROM unnest(…): every row's values from one array parameter per bound column.</summary>
    public static string Unnest { get; } =
        $"SELECT {string.Join(", ", All.Select(c => c.Parameter ?? c.Fixed))}\n"
        + $"FROM unnest({string.Join(", ", All.Where(c => c.ArrayType is not null).Select(c => $"@{c.Parameter}::{c.ArrayType}[]"))})"
        + $" AS v({string.Join(", ", All.Where(c => c.ArrayType is not null).Select(c => c.Parameter))})";

    /// <summary>The SET list of the columns a newer state simply overwrites.</summary>
    public static string Overwritten { get; } =
        string.Join(",\n    ", All.Where(c => c.Overwrites).Select(c => $"{c.Name} = excluded.{c.Name}"));

    /// <summary>The VALUES tuple of row <paramref name="r"/>: parameters suffixed with the row number.</summary>
    public static string Row(int r) => $"({string.Join(", ", All.Select(c => c.Parameter is null ? c.Fixed : $"@{c.Parameter}{r}"))})";

    /// <param name="Parameter">The row's parameter the value comes from (null for <paramref name="Fixed"/>).</param>
    /// <param name="ArrayType">Set where this column binds the parameter (as a PostgreSQL array of this type).</param>
    /// <param name="Overwrites">Whether a newer state overwrites it (ON CONFLICT … SET col = excluded.col).</param>
    private sealed record Column(string Name, string? Parameter = null, string? ArrayType = null, string? Fixed = null, bool Overwrites = true);
}
