using System.ComponentModel.DataAnnotations;

namespace Fleet.Api.Registry;

/// <summary>Where <c>GET /detectors</c> and <c>GET /detectors/{id}</c> read from (configuration section <c>Detectors</c>).</summary>
public sealed class RegistryOptions
{
    public const string Section = "Detectors";

    /// <summary>
    /// <c>Memory</c> (default): each instance keeps every detector's view in memory, kept exact by its own commits and
    /// PostgreSQL notifications of other instances' commits, and answers reads without a database round trip.
    /// <c>Database</c>: every read queries the database, as before the registry existed.
    /// </summary>
    public DetectorReadSource ReadFrom { get; set; } = DetectorReadSource.Memory;

    /// <summary>
    /// How often the registry compares its versions with the database's, as a safety net for a change it was not told
    /// about (a write by another program on the database). A lost notification connection resyncs at once anyway.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromMinutes(5);
}

public enum DetectorReadSource
{
    Memory,
    Database,
}
