using System.ComponentModel.DataAnnotations;

namespace Fleet.Api.Alerts.Rules;

/// <summary>The rules' evaluator (Alerts:Rules).</summary>
public sealed class AlertRulesOptions
{
    public const string Section = "Alerts:Rules";

    /// <summary>Off: rules can still be edited, but no instance evaluates them.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the evaluator reads new events and fires what is due; an alert fires at most this late.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan EvaluateInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Events read and evaluated per transaction.</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 500;
}
