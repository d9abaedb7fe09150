using Fleet.Domain.Messages;

namespace Fleet.Domain.Validation;

/// <summary>
/// What a state's <c>health</c> section may hold: the API stores it and shows it, so its words are short printable text
/// (the agent cleans them with <see cref="HealthText"/>). An outcome this API does not know is accepted (a newer
/// agent's) and counts as <c>fail</c> (<see cref="HealthOutcomes.Worst"/>).
/// </summary>
public static class HealthRules
{
    public const int MaxChecks = 32;
    public const int MaxNameLength = 64;
    public const int MaxOutcomeLength = 32;
    public const int MaxFactLength = 64;

    /// <summary>Why the section is invalid, or null when it is fine (or absent).</summary>
    public static string? Validate(HealthReport? health)
    {
        if (health is null)
        {
            return null;
        }

        if (!IsWord(health.Status, MaxOutcomeLength))
        {
            return $"health.status must be 1 to {MaxOutcomeLength} printable characters";
        }

        if (health.Checks.Count > MaxChecks)
        {
            return $"health has more than {MaxChecks} checks";
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var check in health.Checks)
        {
            // Nullable annotations are not enforced on collection elements.
            if (check is null || !IsWord(check.Name, MaxNameLength) || !names.Add(check.Name))
            {
                return $"health.checks[].name must be 1 to {MaxNameLength} printable characters, each name once";
            }

            if (!IsWord(check.Outcome, MaxOutcomeLength))
            {
                return $"health check '{check.Name}': outcome must be 1 to {MaxOutcomeLength} printable characters";
            }

            if (check.Text is { } text && (text.Length > PayloadParser.MaxTextLength || TextRules.FindHidden(text) is not null))
            {
                return $"health check '{check.Name}': text must be at most {PayloadParser.MaxTextLength} printable characters";
            }
        }

        return ValidateFacts(health.Facts);
    }

    private static string? ValidateFacts(HealthFacts? facts)
    {
        if (facts is null)
        {
            return null;
        }

        if (facts.Load is { Count: > 3 })
        {
            return "health.facts.load has at most three values (1, 5 and 15 minutes)";
        }

        string?[] words = [facts.Throttled, facts.PublicIp];
        return words.Any(w => w is not null && !IsWord(w, MaxFactLength))
            ? $"health.facts.throttled and publicIp must be 1 to {MaxFactLength} printable characters"
            : null;
    }

    private static bool IsWord(string? text, int max) =>
        text is { Length: > 0 } && text.Length <= max && TextRules.FindHidden(text) is null;
}
