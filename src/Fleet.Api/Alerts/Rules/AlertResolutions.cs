namespace Fleet.Api.Alerts.Rules;

/// <summary>Why an alert closed although its detectors did not come back (<see cref="AlertRecord.ResolvedBy"/>).</summary>
public static class AlertResolutions
{
    /// <summary>Its last firing detector was decommissioned: it will never say "back".</summary>
    public const string Decommissioned = "decommissioned";
}
