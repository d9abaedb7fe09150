namespace Fleet.Domain.Ordering;

/// <summary>The version of a state message: compared lexicographically, epoch first.</summary>
public readonly record struct StateVersion(long Epoch, long Seq) : IComparable<StateVersion>
{
    public int CompareTo(StateVersion other) =>
        Epoch != other.Epoch ? Epoch.CompareTo(other.Epoch) : Seq.CompareTo(other.Seq);

    public static bool operator <(StateVersion left, StateVersion right) => left.CompareTo(right) < 0;

    public static bool operator >(StateVersion left, StateVersion right) => left.CompareTo(right) > 0;

    public static bool operator <=(StateVersion left, StateVersion right) => left.CompareTo(right) <= 0;

    public static bool operator >=(StateVersion left, StateVersion right) => left.CompareTo(right) >= 0;
}
