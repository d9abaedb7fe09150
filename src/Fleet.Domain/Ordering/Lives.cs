namespace Fleet.Domain.Ordering;

/// <summary>
/// The incarnation ids a detector's row keeps: the current life's and the one it replaced. Part of the ordering
/// specification (see <see cref="OrderingRules"/>); the SQL copy is in Fleet.Api/Ingest/IngestSql.cs.
/// </summary>
public readonly record struct Lives(string? Current, string? Previous)
{
    public Incarnation Classify(string? incoming) =>
        incoming is null || Current is null ? Incarnation.Unknown
        : incoming == Current ? Incarnation.Same
        : incoming == Previous ? Incarnation.Ended
        : Incarnation.New;

    /// <summary>
    /// After an applied message: a new life moves the current id to <see cref="Previous"/>; a state with an id where
    /// none was stored (an upgraded or re-flashed older agent) adopts it; nothing else changes them.
    /// </summary>
    /// <param name="adopts">
    /// True for a state, and for a presence that creates the detector. Any other presence adopts no id: the stored
    /// state would then pass for that id's, and at an equal epoch its states would be stale for good.
    /// </param>
    public Lives After(string? incoming, Incarnation incarnation, bool adopts) => incarnation switch
    {
        Incarnation.New => new(incoming, Current),
        Incarnation.Unknown when adopts && Current is null => this with { Current = incoming },
        _ => this,
    };
}
