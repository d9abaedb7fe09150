namespace Fleet.Api.Tests.Hostile;

/// <summary>
/// One hostile publish by the fixture's detector: the topic (relative to the detector, see
/// <see cref="HostileFixture.TopicFor"/>), the raw payload bytes, and what must happen.
/// </summary>
public sealed record HostileCase(string Name, string Topic, Func<HostileContext, byte[]> Payload, HostileExpectation Expect)
{
    public bool Retain { get; init; } = true;

    public override string ToString() => Name;
}

/// <summary>What a payload builder may use: the detector's id and the stored (epoch, seq) right now.</summary>
public sealed record HostileContext(string DetectorId, long Epoch, long Seq);
