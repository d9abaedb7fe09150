namespace Fleet.Domain.Ordering;

/// <summary>What to do with an incoming message given what is stored.</summary>
public enum Decision
{
    /// <summary>Newer than what is stored: apply it.</summary>
    Apply,

    /// <summary>A lower epoch accepted because the detector was silent for longer than the reset window.</summary>
    ApplyAsEpochReset,

    /// <summary>Older than, or the same as, what is stored: ignore it (and acknowledge it).</summary>
    Stale,
}
