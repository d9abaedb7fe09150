namespace Fleet.Domain.Messages;

/// <summary>The outcomes of a health check and of a detector's health, in their wire names, and the one "worst" rule.</summary>
public static class HealthOutcomes
{
    public const string Ok = "ok";
    public const string Warn = "warn";
    public const string Fail = "fail";

    /// <summary>The longest check text the agent sends (and the API keeps).</summary>
    public const int MaxTextLength = 200;

    public static IReadOnlyList<string> All { get; } = [Ok, Warn, Fail];

    /// <summary>fail over warn over ok; an outcome this version does not know counts as fail.</summary>
    public static string Worst(IEnumerable<string> outcomes)
    {
        var worst = Ok;
        foreach (var outcome in outcomes)
        {
            if (Rank(outcome) > Rank(worst))
            {
                worst = All.Contains(outcome) ? outcome : Fail;
            }
        }

        return worst;
    }

    private static int Rank(string outcome) => outcome switch
    {
        Ok => 0,
        Warn => 1,
        _ => 2,
    };
}
