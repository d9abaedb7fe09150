using System.Text.Json.Nodes;
using System.Threading.Channels;
using Fleet.Api.Data;
using Fleet.Api.Logging;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Audit;

/// <summary>
/// The one place that records operator actions. A change staged with <see cref="Stage"/> is saved by the caller's own
/// <c>SaveChangesAsync</c>, so it commits or rolls back with the change it describes; <see cref="WriteAsync"/> saves at
/// once (inside the caller's transaction when one is open). Link opens, which are frequent and must not wait for the
/// database, go through <see cref="Enqueue"/>: a bounded queue that <see cref="AuditQueueWriter"/> writes in batches.
/// </summary>
public sealed partial class AuditLog
{
    private readonly TimeProvider _clock;
    private readonly ILogger<AuditLog> _logger;
    private readonly ThrottledWarning _dropped;
    private readonly Channel<AuditRecord> _queue;

    public AuditLog(TimeProvider clock, IOptions<AuditOptions> options, ILogger<AuditLog> logger)
    {
        _clock = clock;
        _logger = logger;
        _dropped = new ThrottledWarning(clock, TimeSpan.FromMinutes(1));
        // Wait mode only so that TryWrite answers false when full; nothing ever waits on it.
        _queue = Channel.CreateBounded<AuditRecord>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, SingleReader = true,
        });
    }

    internal ChannelReader<AuditRecord> Pending => _queue.Reader;

    /// <summary>Adds the entry to <paramref name="db"/>'s unit of work; the caller's next save writes it with its change.</summary>
    public AuditRecord Stage(
        FleetDbContext db, AuditActor actor, string action, string? target, string? detectorId = null, JsonNode? before = null, JsonNode? after = null)
    {
        var entry = Create(actor, action, target, detectorId, before, after);
        db.Add(entry);
        return entry;
    }

    /// <summary>Stages and saves the entry now: in the caller's transaction when one is open.</summary>
    public async Task WriteAsync(
        FleetDbContext db, AuditActor actor, string action, string? target, string? detectorId, JsonNode? after, CancellationToken ct)
    {
        Stage(db, actor, action, target, detectorId, after: after);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Records without waiting (link opens); when the queue is full the entry is counted in a warning instead.</summary>
    public void Enqueue(AuditActor actor, string action, string? target, string? detectorId)
    {
        if (!_queue.Writer.TryWrite(Create(actor, action, target, detectorId, null, null)) && _dropped.TryReport(out var count))
        {
            LogDropped(count);
        }
    }

    private AuditRecord Create(AuditActor actor, string action, string? target, string? detectorId, JsonNode? before, JsonNode? after) => new()
    {
        At = _clock.GetUtcNow(),
        Actor = actor.Name,
        Address = actor.Address,
        Action = action,
        Target = target,
        DetectorId = detectorId,
        Before = before?.ToJsonString(),
        After = after?.ToJsonString(),
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "The audit queue is full (Audit:QueueCapacity): {Count} link opens were not recorded")]
    private partial void LogDropped(int count);
}
