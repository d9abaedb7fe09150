using System.Collections.Concurrent;
using Fleet.Api.Logging;
using Fleet.Domain.Validation;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Ingest;

/// <summary>
/// Logs rejected messages at most once per reason and interval, with how many were suppressed since, so a
/// misbehaving detector cannot flood the log. Never logs a payload.
/// </summary>
internal sealed partial class RejectionLog(ILogger<RejectionLog> logger, TimeProvider clock, IOptions<IngestOptions> options)
{
    private readonly ConcurrentDictionary<RejectionReason, ThrottledWarning> _warnings = new();

    public void Report(string topic, Rejection rejection)
    {
        var warning = _warnings.GetOrAdd(
            rejection.Reason,
            static (_, state) => new ThrottledWarning(state.clock, state.interval),
            (clock, interval: options.Value.RejectionLogInterval));
        if (warning.TryReport(out var count))
        {
            // The count includes this one, which is logged.
            LogRejected(topic, rejection.ReasonName, rejection.Detail, count - 1);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected message on {Topic}: {Reason}: {Detail} ({Suppressed} more of this reason were not logged)")]
    private partial void LogRejected(string topic, string reason, string detail, int suppressed);
}
