namespace Fleet.Domain.Topics;

public enum DetectorTopicKind
{
    Status,
    State,
}
