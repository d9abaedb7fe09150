using System.ComponentModel.DataAnnotations;

namespace Fleet.Api.Events;

public sealed class EventsOptions
{
    public const string Section = "Events";

    /// <summary>How often an idle stream sends a <c>: keep-alive</c> comment (keeps proxies from closing it).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Items queued per subscriber; a client that falls further behind loses the oldest.</summary>
    [Range(16, 65536)]
    public int SubscriberCapacity { get; set; } = 1024;
}
