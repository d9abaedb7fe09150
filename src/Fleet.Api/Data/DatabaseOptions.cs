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
}
