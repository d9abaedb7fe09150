using System.ComponentModel.DataAnnotations;

namespace Fleet.Api.Events;

public sealed class EventsOptions
{
    public const string Section = "Events";

    /// <summary>How often an idle stream sends a <c>: keep-alive</c> comment (keeps proxies from closing it).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00", ErrorMessage = "Events:KeepAlive must be between 00:00:01 and 00:10:00.")]
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Items queued per subscriber (an event and its detector's view are two); a client that falls further behind is
    /// cut with <c>event: overflow</c> and resumes with <c>Last-Event-ID</c>.
    /// </summary>
    [Range(16, 65536, ErrorMessage = "Events:SubscriberCapacity must be between 16 and 65536.")]
    public int SubscriberCapacity { get; set; } = 1024;

    /// <summary>Open streams per API key (its sessions included); beyond: 429 with Retry-After.</summary>
    [Range(1, 100_000, ErrorMessage = "Events:MaxStreamsPerKey must be between 1 and 100000.")]
    public int MaxStreamsPerKey { get; set; } = 20;

    /// <summary>Open streams on this API instance, all keys together; beyond: 429 with Retry-After.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Events:MaxStreams must be between 1 and 1000000.")]
    public int MaxStreams { get; set; } = 1000;

    /// <summary>
    /// How often an open stream re-checks its session in the database (a sign-out on another instance). A removed or
    /// rotated key, and a sign-out on this instance, end the stream at once.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "Events:RecheckInterval must be between 00:00:01 and 01:00:00.")]
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How often the feed reads new events even without a signal (this instance's commits and PostgreSQL
    /// <c>NOTIFY fleet_events</c> wake it at once): the safety net while the notification connection is down.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00", ErrorMessage = "Events:PollInterval must be between 00:00:00.100 and 01:00:00.")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}
