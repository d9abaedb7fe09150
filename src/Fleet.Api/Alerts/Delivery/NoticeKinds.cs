namespace Fleet.Api.Alerts.Delivery;

public static class NoticeKinds
{
    public const string Fired = "fired";
    public const string Recovered = "recovered";

    /// <summary>The alert closed without its detectors coming back: they were decommissioned (<c>data.resolvedBy</c>).</summary>
    public const string Resolved = "resolved";
}
