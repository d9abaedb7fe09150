using Fleet.Api.Alerts.Delivery;

namespace Fleet.Api.Tests.Alerts.Delivery;

internal static class Notices
{
    private static long _next = 1000;

    public static AlertNotice New(string detectorId = "pi-1")
    {
        var alertId = Interlocked.Increment(ref _next);
        return new AlertNotice
        {
            Id = $"alert-{alertId}-fired",
            Kind = NoticeKinds.Fired,
            AlertId = alertId,
            RuleId = 7,
            RuleName = "roof lost",
            Event = "lost",
            Title = $"{detectorId} lost",
            Text = $"{detectorId} has been lost for 2 minutes.",
            DetectorIds = [detectorId],
            At = DateTimeOffset.UnixEpoch.AddYears(56),
        };
    }
}
