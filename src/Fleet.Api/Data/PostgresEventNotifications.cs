using Fleet.Api.History;
using Npgsql;

namespace Fleet.Api.Data;

/// <summary>
/// <c>LISTEN fleet_events</c> on a connection of its own (not pooled: it lives as long as the API). A lost connection
/// (database restarted, network cut) is noticed by a <c>SELECT 1</c> whenever nothing arrived for
/// <see cref="IdleCheck"/>, and reconnected with capped, jittered backoff; every (re)connect signals once, so the feed
/// reads what it missed meanwhile.
/// </summary>
internal sealed partial class PostgresEventNotifications(string connectionString, TimeProvider clock, ILogger<PostgresEventNotifications> logger)
    : IEventNotifications
{
    private static readonly TimeSpan IdleCheck = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    /// <summary>The listening connection's application_name in pg_stat_activity: an operator (or a test) can find it.</summary>
    public const string ApplicationName = "fleet-events-listen";

    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = ApplicationName }.ConnectionString;

    public async Task ListenAsync(Action signal, CancellationToken ct)
    {
        var backoff = MinBackoff;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                connection.Notification += (_, _) => signal();
                await connection.OpenAsync(ct);
                await using (var listen = new NpgsqlCommand($"LISTEN {EventLog.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(ct);
                }

                backoff = MinBackoff;
                LogListening(EventLog.Channel);
                signal();
                while (true)
                {
                    if (!await connection.WaitAsync(IdleCheck, ct))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(ct);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogLost(EventLog.Channel, ex.GetType().Name, ex.Message, backoff);
            }

            try
            {
                await Task.Delay(backoff * (0.5 + Random.Shared.NextDouble() / 2), clock, ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = backoff * 2 < MaxBackoff ? backoff * 2 : MaxBackoff;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for committed events on PostgreSQL channel {Channel}")]
    private partial void LogListening(string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening on PostgreSQL channel {Channel} failed, reconnecting within {Backoff} (the live stream polls meanwhile): {Error}: {Message}")]
    private partial void LogLost(string channel, string error, string message, TimeSpan backoff);
}
