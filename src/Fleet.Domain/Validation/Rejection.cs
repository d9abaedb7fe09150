namespace Fleet.Domain.Validation;

/// <summary>A refused message: a reason for metrics and a detail for the (rate-limited) log, never a payload.</summary>
public sealed record Rejection(RejectionReason Reason, string Detail)
{
    public string ReasonName => Reason switch
    {
        RejectionReason.UnknownTopic => "unknown-topic",
        RejectionReason.TooLarge => "too-large",
        RejectionReason.NotJson => "not-json",
        RejectionReason.InvalidFields => "invalid-fields",
        RejectionReason.UnknownSchema => "unknown-schema",
        RejectionReason.IdMismatch => "id-mismatch",
        RejectionReason.InvalidUrl => "invalid-url",
        _ => "other",
    };
}
