using System.Diagnostics.CodeAnalysis;

namespace Fleet.Domain.Validation;

public readonly record struct ParseResult<T>(T? Value, Rejection? Error)
    where T : class
{
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool IsValid => Value is not null;

    public static ParseResult<T> Ok(T value) => new(value, null);

    public static ParseResult<T> Fail(RejectionReason reason, string detail) => new(null, new Rejection(reason, detail));
}
