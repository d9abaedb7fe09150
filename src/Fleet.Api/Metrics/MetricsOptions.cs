using System.ComponentModel.DataAnnotations;

namespace Fleet.Api.Metrics;

/// <summary>Where <c>/metrics</c> is served and how often the detector counts are read from the database.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    /// <summary>
    /// A separate HTTP port on which <c>/metrics</c> (and nothing else) is served without a key, for a Prometheus
    /// inside the operator's network. Unset: <c>/metrics</c> is served on the main port to readers only.
    /// </summary>
    [Range(1, 65535, ErrorMessage = "Metrics:Port must be a TCP port (1-65535).")]
    public int? Port { get; set; }

    /// <summary>How often the detectors-by-status gauge is refreshed (one GROUP BY query).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00", ErrorMessage = "Metrics:DetectorRefreshInterval must be between 50 ms and 1 hour.")]
    public TimeSpan DetectorRefreshInterval { get; set; } = TimeSpan.FromSeconds(5);
}
