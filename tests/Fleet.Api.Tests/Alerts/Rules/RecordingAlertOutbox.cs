using System.Collections.Concurrent;
using Fleet.Api.Alerts.Delivery;
using Fleet.Api.Data;

namespace Fleet.Api.Tests.Alerts.Rules;

/// <summary>
/// Stands in for delivery: records each enqueued notice (with the destinations it was for) instead of storing it.
/// Destination ids 1..<see cref="KnownDestinations"/> exist, any other is missing.
/// </summary>
internal sealed class RecordingAlertOutbox : IAlertOutbox
{
    public const long KnownDestinations = 10;

    private readonly ConcurrentQueue<(AlertNotice Notice, long[] Destinations)> _enqueued = new();

    public IReadOnlyList<AlertNotice> Notices => [.. _enqueued.Select(e => e.Notice)];

    public IReadOnlyList<(AlertNotice Notice, long[] Destinations)> Enqueued => [.. _enqueued];

    public void Enqueue(FleetDbContext db, AlertNotice notice, IReadOnlyCollection<long> destinationIds) =>
        _enqueued.Enqueue((notice, [.. destinationIds]));

    public Task<IReadOnlyList<long>> MissingDestinationsAsync(FleetDbContext db, IReadOnlyCollection<long> destinationIds, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<long>>([.. destinationIds.Where(id => id is < 1 or > KnownDestinations)]);
}
