using System.Globalization;
using Npgsql;

namespace Fleet.Benchmarks.Infrastructure;

/// <summary>
/// Samples pg_stat_activity of one database every few milliseconds: in how many samples some backend was waiting for
/// a lock, and for which kind (advisory, transactionid, tuple, ...). Says whether two writers queue behind each other.
/// </summary>
internal sealed class LockWaitSampler : IAsyncDisposable
{
    private const string Query =
        "SELECT coalesce(string_agg(wait_event, ','), '') FROM pg_stat_activity " +
        "WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'";

    private readonly Dictionary<string, int> _byEvent = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _samples;
    private int _waiting;

    public LockWaitSampler(string connectionString, TimeSpan interval)
    {
        _loop = Task.Run(async () =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(_stop.Token);
            await using var command = new NpgsqlCommand(Query, connection);
            while (!_stop.IsCancellationRequested)
            {
                var events = (string?)await command.ExecuteScalarAsync(_stop.Token) ?? "";
                _samples++;
                if (events.Length > 0)
                {
                    _waiting++;
                    foreach (var name in events.Split(','))
                    {
                        _byEvent[name] = _byEvent.GetValueOrDefault(name) + 1;
                    }
                }

                await Task.Delay(interval, _stop.Token);
            }
        });
    }

    /// <summary>Share of samples with a backend waiting for a lock, and the waits by kind (backend-samples).</summary>
    public (double WaitingShare, string ByEvent) Result =>
        (_samples == 0 ? 0 : (double)_waiting / _samples,
         string.Join(" ", _byEvent.OrderByDescending(e => e.Value).Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key}={e.Value}"))));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
