using System.Collections.Concurrent;
using Fleet.Domain.Validation;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Ingest;

/// <summary>
/// Logs rejected messages at most once per reason and interval, with how many were suppressed since, so a
/// misbehaving detector cannot flood the log. Never logs a payload.
/// </summary>
internal sealed partial class RejectionLog(ILogger<RejectionLog> logger, TimeProvider clock, IOptions<IngestOptions> options)
{
    private readonly ConcurrentDictionary<RejectionReason, (DateTimeOffset LastLogged, int Suppressed)> _state = new();

    public void Report(string topic, Rejection rejection)
    {
        var now = clock.GetUtcNow();
        var interval = options.Value.RejectionLogInterval;
        var shouldLog = false;
        var suppressed = 0;
        _state.AddOrUpdate(
            rejection.Reason,
            _ =>
            {
                shouldLog = true;
                return (now, 0);
            },
            (_, previous) =>
            {
                if (now - previous.LastLogged >= interval)
                {
                    shouldLog = true;
                    suppressed = previous.Suppressed;
                    return (now, 0);
                }

                shouldLog = false;
                return (previous.LastLogged, previous.Suppressed + 1);
            });

        if (shouldLog)
        {
            LogRejected(topic, rejection.ReasonName, rejection.Detail, suppressed);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected message on {Topic}: {Reason}: {Detail} ({Suppressed} more of this reason were not logged)")]
    private partial void LogRejected(string topic, string reason, string detail, int suppressed);
}
