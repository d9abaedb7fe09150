using Npgsql;

namespace Fleet.Api.Data;

/// <summary>
/// <c>LISTEN channel</c> on a connection of its own (not pooled: it lives as long as the API). A lost connection
/// (database restarted, network cut, backend terminated) is noticed by a <c>SELECT 1</c> whenever nothing arrived for
/// <see cref="IdleCheck"/>, and reconnected with capped, jittered backoff. <c>connected</c> runs after every
/// (re)connect, once <c>LISTEN</c> is in place, so whatever was committed while not listening can be read then;
/// <c>lost</c> runs when the connection fails. One loop for the live stream (History/EventLog's channel) and the
/// detector registry (Registry/RegistrySync).
/// </summary>
internal sealed partial class PostgresListener(string connectionString, string channel, string applicationName, TimeProvider clock, ILogger logger)
{
    private static readonly TimeSpan IdleCheck = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan MinBackoff = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, ApplicationName = applicationName }.ConnectionString;

    /// <summary>Runs until <paramref name="ct"/> is cancelled; never throws but on cancellation.</summary>
    public async Task RunAsync(Action<string> notified, Action connected, Action lost, CancellationToken ct)
    {
        var backoff = MinBackoff;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                connection.Notification += (_, e) => notified(e.Payload);
                await connection.OpenAsync(ct);
                await using (var listen = new NpgsqlCommand($"LISTEN {channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(ct);
                }

                backoff = MinBackoff;
                LogListening(logger, channel);
                connected();
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
                lost();
                LogLost(logger, channel, ex.GetType().Name, ex.Message, backoff);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Listening for committed changes on PostgreSQL channel {Channel}")]
    private static partial void LogListening(ILogger logger, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening on PostgreSQL channel {Channel} failed, reconnecting within {Backoff} (readers fall back meanwhile: the live stream polls, the registry reads the database): {Error}: {Message}")]
    private static partial void LogLost(ILogger logger, string channel, string error, string message, TimeSpan backoff);
}
