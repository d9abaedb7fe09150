namespace Fleet.Domain.Ordering;

/// <summary>How an incoming message's agent incarnation (<c>instance</c>) relates to the stored ones.</summary>
public enum Incarnation
{
    /// <summary>The message or the stored detector has no instance (an older agent): epoch and seq alone decide.</summary>
    Unknown,

    /// <summary>The stored instance: the same life, epoch and seq decide.</summary>
    Same,

    /// <summary>Neither the stored instance nor the one before it: a re-flashed card, a new life starts.</summary>
    New,

    /// <summary>The instance the stored one replaced: a late message of a life that ended.</summary>
    Ended,
}
