using System.ComponentModel.DataAnnotations;

namespace Fleet.Api.Ingest;

/// <summary>
/// Fault-injection switches for tests (section <c>Ingest:Faults</c>). Never set them in production: they exist so
/// that a test can stop the API at the one moment that is otherwise impossible to hit on purpose.
/// </summary>
public sealed class IngestFaultOptions
{
    /// <summary>
    /// After the N-th committed batch and before acknowledging any message of it, the process kills itself
    /// (SIGKILL): the broker must redeliver that batch and the version guard must make it harmless. 0 = off.
    /// </summary>
    [Range(0, int.MaxValue)]
    public int KillAfterCommits { get; set; }
}
