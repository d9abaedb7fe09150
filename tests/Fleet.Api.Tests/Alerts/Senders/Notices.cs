using System.Text.Json.Nodes;
using Fleet.Api.Alerts.Delivery;

namespace Fleet.Api.Tests.Alerts.Senders;

internal static class Notices
{
    public static AlertNotice Fired(string id = "alert-42-fired", string title = "3 detectors at tag lab-a lost") => new()
    {
        Id = id,
        Kind = NoticeKinds.Fired,
        AlertId = 42,
        RuleId = 7,
        RuleName = "lab-a lost 2 min",
        Event = "lost",
        Title = title,
        Text = "det-1, det-2, det-3 lost since 10:02 UTC <check the 4G router> & the power",
        DetectorIds = ["det-1", "det-2", "det-3"],
        Group = "tag:lab-a",
        At = new DateTimeOffset(2026, 12, 5, 10, 4, 0, TimeSpan.Zero),
        Data = new JsonObject { ["events"] = new JsonArray(101, 102, 103) },
    };

    public static AlertNotice Recovered() => Fired("alert-42-recovered", "3 detectors at tag lab-a back") with { Kind = NoticeKinds.Recovered };

    public static AlertDestination Destination(string type, Uri? url, string? secret = null, params string[] recipients) => new()
    {
        Id = 1,
        Name = $"test {type}",
        Type = type,
        Url = url,
        Secret = secret,
        Recipients = recipients,
    };
}
