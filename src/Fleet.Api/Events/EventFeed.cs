using System.Threading.Channels;
using Fleet.Api.Data;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Events;

/// <summary>
/// This instance's change feed: reads <c>events WHERE id &gt; last ORDER BY id</c> in batches and hands each event,
/// with its detector's view, to the local subscribers (<see cref="EventStream"/>), so a stream carries every change
/// whichever instance wrote it. Ids become visible in commit order (History/EventLog), so the cursor never skips one.
/// Wakes on this instance's own commits (<see cref="Signal"/>, from the IEventSink call after each commit), on other
/// instances' commits (<see cref="IEventNotifications"/>: PostgreSQL NOTIFY), and every <see cref="EventsOptions.PollInterval"/>
/// as a safety net (a lost notification connection). Starts at the newest stored event: older ones are replay.
/// </summary>
internal sealed partial class EventFeed(
    EventStream stream,
    IServiceScopeFactory scopes,
    IEventNotifications notifications,
    TimeProvider clock,
    IOptions<EventsOptions> options,
    ILogger<EventFeed> logger) : BackgroundService
{
    /// <summary>Events read (and detectors' views looked up) per statement.</summary>
    public const int BatchSize = 500;

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _last = -1;

    /// <summary>The id of the newest event handed to the subscribers (-1 before the feed has started).</summary>
    public long Position => Interlocked.Read(ref _last);

    /// <summary>Something was committed: read soon. Never blocks; signals that arrive while one is pending merge.</summary>
    public void Signal() => _wake.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var listening = notifications.ListenAsync(Signal, stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await ReadNewAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    LogReadFailed(ex.GetType().Name, ex.Message);
                }

                await WaitAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: open streams end with the host.
        }

        await listening;
    }

    /// <summary>Hands every event committed since the last call to the subscribers; internal for tests.</summary>
    internal async Task ReadNewAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var stored = scope.ServiceProvider.GetRequiredService<StoredEvents>();
        if (Position < 0 || stream.SubscriberCount == 0)
        {
            // Nobody to send to: skip to the newest. Read before looking at the subscribers, so a stream that opens
            // after the look only misses events committed before it opened.
            var newest = await stored.NewestIdAsync(ct);
            if (stream.SubscriberCount == 0 || Position < 0)
            {
                Interlocked.Exchange(ref _last, Math.Max(newest, Position));
                return;
            }
        }

        while (true)
        {
            var batch = await stored.ReadAfterAsync(Position, BatchSize, ct);
            foreach (var item in batch)
            {
                stream.Publish(item.Id, item.Event, item.View);
                Interlocked.Exchange(ref _last, item.Id);
            }

            if (batch.Count < BatchSize)
            {
                return;
            }
        }
    }

    private async Task WaitAsync(CancellationToken ct)
    {
        using var poll = new CancellationTokenSource(options.Value.PollInterval, clock);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, poll.Token);
        try
        {
            await _wake.Reader.ReadAsync(either.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The poll interval passed.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading new events for the live streams failed, retrying at the next signal or poll: {Error}: {Message}")]
    private partial void LogReadFailed(string error, string message);
}
