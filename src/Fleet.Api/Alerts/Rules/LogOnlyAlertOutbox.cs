using Fleet.Api.Alerts.Delivery;
using Fleet.Api.Data;

namespace Fleet.Api.Alerts.Rules;

/// <summary>
/// The outbox used when no delivery feature registered one: no destination exists, so a rule can name none, and a
/// notice is only logged (its alert is still recorded and listed by <c>GET /alerts</c>).
/// </summary>
internal sealed partial class LogOnlyAlertOutbox(ILogger<LogOnlyAlertOutbox> logger) : IAlertOutbox
{
    public void Enqueue(FleetDbContext db, AlertNotice notice, IReadOnlyCollection<long> destinationIds) =>
        LogNotice(notice.Id, notice.Title);

    public Task<IReadOnlyList<long>> MissingDestinationsAsync(FleetDbContext db, IReadOnlyCollection<long> destinationIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<long>>([.. destinationIds]);

    [LoggerMessage(Level = LogLevel.Information, Message = "Alert notice {NoticeId}: {Title} (no delivery configured)")]
    private partial void LogNotice(string noticeId, string title);
}
