using Fleet.Domain.Validation;

namespace Fleet.Api.Egress;

/// <summary>
/// A connection the egress rules did not allow. Its message names the address and its range (never a URL), so a
/// caller may show it to an operator.
/// </summary>
public sealed class EgressRefusedException(EgressRefusal refusal) : Exception($"refused: {refusal.Detail}")
{
    public EgressRefusal Refusal { get; } = refusal;
}
