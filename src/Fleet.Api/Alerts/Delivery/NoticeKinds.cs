namespace Fleet.Api.Alerts.Delivery;

public static class NoticeKinds
{
    public const string Fired = "fired";
    public const string Recovered = "recovered";
}
