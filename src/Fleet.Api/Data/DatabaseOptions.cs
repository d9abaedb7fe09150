using System.ComponentModel.DataAnnotations;

namespace Fleet.Api.Data;

public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Sqlite (an embedded file, zero setup) or Postgres (production).</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply pending migrations when the API starts.</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>How long one database command may take before it counts as a failure.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a read endpoint (<c>GET /detectors</c>, <c>GET /detectors/{id}</c>) waits for the database, connecting
    /// included, before it answers 503 with Retry-After: a reader polling during an outage gets an answer, not a hang.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How long the readiness check (<c>/health/ready</c>) waits for the database before reporting it unhealthy.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
