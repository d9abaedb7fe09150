using System.Collections.Concurrent;
using System.Threading.Channels;
using Fleet.Api.Data;
using Fleet.Api.Logging;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Server;

namespace Fleet.Api.Mqtt;

/// <summary>
/// Keeps the embedded broker's retained messages in Fleet's database (<see cref="RetainedMessageRecord"/>), so an API
/// restart loses nothing an agent or monitor relies on: MQTTnet keeps them in memory only. They are loaded when the
/// broker starts, before its listener accepts anyone. MQTTnet reports every change under its own storage lock, so the
/// handler only notes the topic's newest value and wakes a writer that saves in batches: the broker never waits on the
/// database. The notes hold one entry per topic (newest wins), so they are bounded by the retained caps below and
/// nothing has to be dropped; while the database is down they wait and are retried with backoff. The caps
/// (Mqtt:Embedded:MaxRetainedMessages, :MaxRetainedBytes) apply to new topics: beyond them a publish is still
/// delivered, only not retained, and a warning says so.
/// </summary>
internal sealed partial class RetainedStore(
    IOptions<MqttOptions> mqttOptions,
    IServiceScopeFactory scopes,
    TimeProvider clock,
    ILogger<RetainedStore> logger) : IAsyncDisposable
{
    /// <summary>The <c>broker_retained.topic</c> column's length; a longer topic is delivered but not retained.</summary>
    public const int MaxTopicLength = 1024;

    private const int BatchSize = 500;
    private static readonly TimeSpan MinRetry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(30);

    private readonly EmbeddedBrokerOptions _options = mqttOptions.Value.Embedded;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, MqttApplicationMessage?> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _sizes = new(StringComparer.Ordinal);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    private readonly ThrottledWarning _notRetained = new(clock, mqttOptions.Value.Embedded.FailedLoginLogInterval);
    private long _bytes;
    private bool _clearAll;
    private bool _disposed;
    private Task _writer = Task.CompletedTask;

    /// <summary>Retained messages the broker holds now.</summary>
    public int Count => _sizes.Count;

    /// <summary>Changes noted but not saved yet.</summary>
    public int Unsaved
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Attach after the handlers that may refuse a publish, so a refused one is not counted against the caps.</summary>
    public void Attach(MqttServer server)
    {
        server.LoadingRetainedMessageAsync += LoadAsync;
        server.RetainedMessageChangedAsync += OnChangedAsync;
        server.RetainedMessagesClearedAsync += OnClearedAsync;
        server.InterceptingPublishAsync += ApplyCapsAsync;
        _writer = Task.Run(() => WriteLoopAsync(_stopping.Token));
    }

    /// <summary>Stops the writer and saves what is left, within <paramref name="ct"/>.</summary>
    public async Task StopAsync(CancellationToken ct)
    {
        if (_disposed)
        {
            // The container may dispose the store before a late host stop (WebApplicationFactory does in tests).
            return;
        }

        await _stopping.CancelAsync();
        await _writer;
        try
        {
            await FlushAsync(ct);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogUnsavedAtStop(Unsaved, ex.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stopping.CancelAsync();
        await _writer;
        _stopping.Dispose();
    }

    /// <summary>Saves every noted change now (the writer does this by itself; tests and shutdown call it).</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        bool clearAll;
        List<KeyValuePair<string, MqttApplicationMessage?>> changes;
        lock (_gate)
        {
            (clearAll, _clearAll) = (_clearAll, false);
            changes = [.. _pending];
            _pending.Clear();
        }

        if (!clearAll && changes.Count == 0)
        {
            return;
        }

        try
        {
            await SaveAsync(clearAll, changes, ct);
        }
        catch
        {
            // Put back what may not be saved, unless a newer value arrived meanwhile; saving again is harmless.
            lock (_gate)
            {
                _clearAll |= clearAll;
                foreach (var (topic, message) in changes)
                {
                    _pending.TryAdd(topic, message);
                }
            }

            throw;
        }
    }

    private async Task SaveAsync(bool clearAll, List<KeyValuePair<string, MqttApplicationMessage?>> changes, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        if (clearAll)
        {
            await db.RetainedMessages.ExecuteDeleteAsync(ct);
        }

        var now = clock.GetUtcNow();
        foreach (var chunk in changes.Chunk(BatchSize))
        {
            var topics = chunk.Select(c => c.Key).ToList();
            var rows = await db.RetainedMessages.Where(r => topics.Contains(r.Topic)).ToDictionaryAsync(r => r.Topic, StringComparer.Ordinal, ct);
            foreach (var (topic, message) in chunk)
            {
                rows.TryGetValue(topic, out var row);
                if (message is null)
                {
                    if (row is not null)
                    {
                        db.RetainedMessages.Remove(row);
                    }

                    continue;
                }

                row ??= db.RetainedMessages.Add(new RetainedMessageRecord { Topic = topic, Payload = [] }).Entity;
                RetainedMessageMapping.Fill(row, message, now);
            }

            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
    }

    private async Task WriteLoopAsync(CancellationToken ct)
    {
        var retry = MinRetry;
        try
        {
            while (await _wake.Reader.WaitToReadAsync(ct))
            {
                _wake.Reader.TryRead(out _);
                try
                {
                    await FlushAsync(ct);
                    retry = MinRetry;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    LogSaveFailed(Unsaved, retry, ex.Message);
                    await Task.Delay(retry, clock, ct);
                    retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, MaxRetry.Ticks));
                    _wake.Writer.TryWrite(true);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping: StopAsync saves what is left.
        }
    }

    private async Task LoadAsync(LoadingRetainedMessagesEventArgs e)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
            var rows = await db.RetainedMessages.AsNoTracking().OrderBy(r => r.UpdatedAt).ToListAsync(_stopping.Token);
            var now = clock.GetUtcNow();
            var (expired, overCap) = (0, 0);
            foreach (var row in rows)
            {
                if (RetainedMessageMapping.IsExpired(row, now))
                {
                    expired++;
                    Note(row.Topic, null);
                }
                else if (_sizes.Count >= _options.MaxRetainedMessages || _bytes + row.Payload.Length > _options.MaxRetainedBytes)
                {
                    overCap++;
                }
                else
                {
                    e.LoadedRetainedMessages.Add(RetainedMessageMapping.ToMessage(row, now));
                    Track(row.Topic, row.Payload.Length);
                }
            }

            LogLoaded(e.LoadedRetainedMessages.Count, expired);
            if (overCap > 0)
            {
                LogLoadCapped(overCap, _options.MaxRetainedMessages, _options.MaxRetainedBytes);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The broker still starts (detectors republish their state on connect), but the operator must know.
            LogLoadFailed(ex.Message);
        }
    }

    private Task OnChangedAsync(RetainedMessageChangedEventArgs e)
    {
        var message = e.ChangedRetainedMessage;
        var length = (int)message.Payload.Length;
        if (length == 0)
        {
            Untrack(message.Topic);
        }
        else
        {
            Track(message.Topic, length);
        }

        Note(message.Topic, length == 0 ? null : message);
        return Task.CompletedTask;
    }

    private Task OnClearedAsync(EventArgs e)
    {
        lock (_gate)
        {
            _pending.Clear();
            _clearAll = true;
        }

        _sizes.Clear();
        Interlocked.Exchange(ref _bytes, 0);
        _wake.Writer.TryWrite(true);
        return Task.CompletedTask;
    }

    private Task ApplyCapsAsync(InterceptingPublishEventArgs e)
    {
        var message = e.ApplicationMessage;
        if (!e.ProcessPublish || message is not { Retain: true } || message.Payload.IsEmpty || _sizes.ContainsKey(message.Topic))
        {
            return Task.CompletedTask;
        }

        if (message.Topic.Length <= MaxTopicLength
            && _sizes.Count < _options.MaxRetainedMessages
            && Interlocked.Read(ref _bytes) + message.Payload.Length <= _options.MaxRetainedBytes)
        {
            return Task.CompletedTask;
        }

        // Delivered to whoever listens now, only not kept: refusing the publish would also cut the live path (the
        // API's own ingest). Replacing an existing topic is always allowed, so no retained message goes stale.
        message.Retain = false;
        if (_notRetained.TryReport(out var count))
        {
            LogNotRetained(count, message.Topic, _sizes.Count, Interlocked.Read(ref _bytes));
        }
        return Task.CompletedTask;
    }

    private void Note(string topic, MqttApplicationMessage? message)
    {
        lock (_gate)
        {
            _pending[topic] = message;
        }

        _wake.Writer.TryWrite(true);
    }

    private void Track(string topic, int length)
    {
        var before = 0;
        _sizes.AddOrUpdate(topic, length, (_, old) =>
        {
            before = old;
            return length;
        });
        Interlocked.Add(ref _bytes, length - before);
    }

    private void Untrack(string topic)
    {
        if (_sizes.TryRemove(topic, out var length))
        {
            Interlocked.Add(ref _bytes, -length);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded broker: {Count} retained publish(es) delivered but not retained, the latest to {Topic}: the broker holds {Held} retained messages ({Bytes} bytes), the limit of Mqtt:Embedded:MaxRetainedMessages or :MaxRetainedBytes (or the topic is longer than 1024 characters); raise the limits to keep more")]
    private partial void LogNotRetained(int count, string topic, int held, long bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded broker: {Count} retained messages loaded from the database ({Expired} expired ones removed)")]
    private partial void LogLoaded(int count, int expired);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded broker: {Count} stored retained messages not loaded: over Mqtt:Embedded:MaxRetainedMessages {MaxMessages} or :MaxRetainedBytes {MaxBytes}; raise them to keep all")]
    private partial void LogLoadCapped(int count, int maxMessages, long maxBytes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Embedded broker: loading the retained messages from the database failed, starting without them: {Message}")]
    private partial void LogLoadFailed(string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded broker: saving {Count} retained changes failed, retrying in {Retry}: {Message}")]
    private partial void LogSaveFailed(int count, TimeSpan retry, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "Embedded broker: {Count} retained changes not saved at stop, they are lost: {Message}")]
    private partial void LogUnsavedAtStop(int count, string message);
}
