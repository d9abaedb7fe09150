using Fleet.Api.Data;

namespace Fleet.Api.Alerts.Delivery;

/// <summary>
/// The seam between the rules (which decide that people must be told) and delivery (which tells them, at least once).
/// The rules' evaluator enqueues in its own transaction, so a notice is stored exactly when the evaluation that
/// produced it is; the delivery worker takes it from there.
/// </summary>
public interface IAlertOutbox
{
    /// <summary>Adds one pending delivery per destination to <paramref name="db"/>; saved and committed by the caller.</summary>
    void Enqueue(FleetDbContext db, AlertNotice notice, IReadOnlyCollection<long> destinationIds);

    /// <summary>The ids among <paramref name="destinationIds"/> that name no destination (a rule may only name existing ones).</summary>
    Task<IReadOnlyList<long>> MissingDestinationsAsync(FleetDbContext db, IReadOnlyCollection<long> destinationIds, CancellationToken cancellationToken);
}
