using Fleet.Domain.Messages;

namespace Fleet.Domain.Validation;

/// <summary>
/// What a tunnel's agent check (<c>tunnels[].check</c>) may hold: the API stores outcome and code in bounded columns and
/// shows them, so they are short printable text. An outcome this API does not know is accepted (a newer agent's) and
/// counts as failing (<see cref="CheckOutcomes.IsFailure"/>).
/// </summary>
public static class CheckRules
{
    public const int MaxOutcomeLength = 32;
    public const int MaxCodeLength = 64;

    /// <summary>Why the check is invalid, or null when it is fine.</summary>
    public static string? Validate(TunnelCheck check)
    {
        if (check.Outcome is not { Length: > 0 and <= MaxOutcomeLength } || TextRules.FindHidden(check.Outcome) is not null)
        {
            return $"check.outcome must be 1 to {MaxOutcomeLength} printable characters";
        }

        if (check.Code is { } code && (code.Length is 0 or > MaxCodeLength || TextRules.FindHidden(code) is not null))
        {
            return $"check.code must be null or 1 to {MaxCodeLength} printable characters";
        }

        if (check.HttpStatus is < 100 or > 599)
        {
            return "check.httpStatus must be an HTTP status (100 to 599)";
        }

        return check.LatencyMs is < 0 ? "check.latencyMs must not be negative" : null;
    }
}
