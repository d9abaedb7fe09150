namespace Fleet.Domain.Validation;

/// <summary>Why an incoming message was refused; used as the label of the rejection counter.</summary>
public enum RejectionReason
{
    UnknownTopic,
    TooLarge,
    NotJson,
    InvalidFields,
    UnknownSchema,
    IdMismatch,
    InvalidUrl,
}
