using System.Net;
using Fleet.Api.Logging;

namespace Fleet.Api.Mqtt;

/// <summary>
/// The embedded broker's warnings about refused logins, connections and publishes, each kind at most once per
/// <see cref="EmbeddedBrokerOptions.FailedLoginLogInterval"/> with how many happened since the last one, so a flood of
/// attempts cannot flood the log. Never logs a user name or password.
/// </summary>
internal sealed partial class BrokerRefusalLog(ILogger logger, TimeProvider clock, TimeSpan interval)
{
    private readonly ThrottledWarning _logins = new(clock, interval);
    private readonly ThrottledWarning _connections = new(clock, interval);
    private readonly ThrottledWarning _acceptFailures = new(clock, interval);
    private readonly ThrottledWarning _connectionFailures = new(clock, interval);
    private readonly ThrottledWarning _publishes = new(clock, interval);

    public void LoginRefused(EndPoint? endpoint, string reason)
    {
        if (_logins.TryReport(out var count))
        {
            LogLoginsRefused(count, interval, reason, endpoint?.ToString() ?? "?");
        }
    }

    public void ConnectionRefused(EndPoint? endpoint, string reason)
    {
        if (_connections.TryReport(out var count))
        {
            LogConnectionsRefused(count, interval, reason, endpoint?.ToString() ?? "?");
        }
    }

    public void AcceptFailed(string error)
    {
        if (_acceptFailures.TryReport(out var count))
        {
            LogAcceptFailed(count, interval, error);
        }
    }

    public void ConnectionFailed(EndPoint endpoint, string error)
    {
        if (_connectionFailures.TryReport(out var count))
        {
            LogConnectionFailed(count, interval, error, endpoint.ToString() ?? "?");
        }
    }

    /// <summary>A publish the topic rules refused: a logged-in client can repeat it as fast as it likes.</summary>
    public void PublishRefused(string username, string topic)
    {
        if (_publishes.TryReport(out var count))
        {
            LogPublishesRefused(count, interval, username, topic);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded broker refused {Count} publish(es) (at most one report per {Interval}); the latest by {Username} to {Topic}")]
    private partial void LogPublishesRefused(int count, TimeSpan interval, string username, string topic);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded broker refused {Count} login(s) (at most one report per {Interval}); the latest: {Reason}, from {Endpoint}")]
    private partial void LogLoginsRefused(int count, TimeSpan interval, string reason, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded broker closed {Count} new connection(s) at once (at most one report per {Interval}); the latest: {Reason}, from {Endpoint}")]
    private partial void LogConnectionsRefused(int count, TimeSpan interval, string reason, string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded broker failed to accept {Count} connection(s) (at most one report per {Interval}); the latest: {Error}")]
    private partial void LogAcceptFailed(int count, TimeSpan interval, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded broker: {Count} connection(s) ended with an error (at most one report per {Interval}); the latest: {Error}, from {Endpoint}")]
    private partial void LogConnectionFailed(int count, TimeSpan interval, string error, string endpoint);
}
