using Fleet.Simulator.Cli;

namespace Fleet.Simulator.Run;

internal sealed record RunOptions
{
    public required string Host { get; init; }

    public required int Port { get; init; }

    public required string CredentialsFile { get; init; }

    public int? Count { get; init; }

    public int Offset { get; init; }

    public double Rate { get; init; }

    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(60);

    public double UrlChurn { get; init; }

    public double CrashRatePerHour { get; init; }

    public double ConnectRate { get; init; }

    public TimeSpan Duration { get; init; }

    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan WillDelay { get; init; } = TimeSpan.FromSeconds(10);

    public long EpochBase { get; init; }

    /// <summary>
    /// When set, both tunnels name the detector's own host on this port (web http with the URL version in the path,
    /// ssh tcp), for a stand-in endpoint the API's Probe:Resolve points each host at; null: ngrok-shaped URLs.
    /// </summary>
    public int? TunnelPort { get; init; }

    public string? AckedOut { get; init; }

    public bool Quiet { get; init; }

    public TimeSpan ReconnectMin { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMax { get; init; } = TimeSpan.FromSeconds(30);

    public int MaxConnecting { get; init; } = 256;

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(300);

    public static RunOptions Parse(IEnumerable<string> args)
    {
        var a = new Arguments(args, new HashSet<string>(StringComparer.Ordinal) { "quiet" });
        var options = new RunOptions
        {
            Host = a.Required("host"),
            Port = a.Int("port", 1883, 1, 65535),
            CredentialsFile = a.Required("credentials"),
            Count = a.Has("count") ? a.Int("count", 0, 1) : null,
            Offset = a.Int("offset", 0),
            Rate = a.Double("rate", 0, 0),
            Heartbeat = TimeSpan.FromSeconds(a.Double("heartbeat", 60, 1)),
            UrlChurn = a.Double("url-churn", 0, 0, 1),
            CrashRatePerHour = a.Double("crash-rate", 0, 0),
            ConnectRate = a.Double("connect-rate", 0, 0),
            Duration = a.Seconds("duration", TimeSpan.Zero),
            KeepAlive = TimeSpan.FromSeconds(a.Double("keepalive", 30, 1, 65535)),
            WillDelay = TimeSpan.FromSeconds(a.Double("will-delay", 10, 0, 86400)),

            // Milliseconds since 1970: a later run of the same ids starts above every epoch an earlier run used,
            // as a real agent's persisted counter would.
            EpochBase = a.Long("epoch-base", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()),
            AckedOut = a.String("acked-out"),
            TunnelPort = a.Has("tunnel-port") ? a.Int("tunnel-port", 0, 1, 65535) : null,
            Quiet = a.Has("quiet"),
            ReconnectMin = TimeSpan.FromSeconds(a.Double("reconnect-min", 1, 0.01)),
            ReconnectMax = TimeSpan.FromSeconds(a.Double("reconnect-max", 30, 0.01)),
            MaxConnecting = a.Int("max-connecting", 256, 1),
            ConnectTimeout = TimeSpan.FromSeconds(a.Double("connect-timeout", 300, 1)),
        };
        a.EnsureAllRead();
        return options;
    }
}
