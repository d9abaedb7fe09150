using Fleet.Domain.Topics;
using Fleet.Simulator.Cli;

namespace Fleet.Simulator.Count;

internal sealed record CountOptions
{
    public required string Host { get; init; }

    public required int Port { get; init; }

    public required string Username { get; init; }

    public required string PasswordFile { get; init; }

    public string Topic { get; init; } = FleetTopics.DetectorsPrefix + "+/state";

    public string? SharedGroup { get; init; }

    public long? Expect { get; init; }

    public TimeSpan? Duration { get; init; }

    public bool Retained { get; init; }

    public static CountOptions Parse(IEnumerable<string> args)
    {
        var a = new Arguments(args, new HashSet<string>(StringComparer.Ordinal) { "retained" });
        var options = new CountOptions
        {
            Host = a.Required("host"),
            Port = a.Int("port", 1883, 1, 65535),
            Username = a.Required("username"),
            PasswordFile = a.Required("password-file"),
            Topic = a.String("topic") ?? FleetTopics.DetectorsPrefix + "+/state",
            SharedGroup = a.String("shared-group"),
            Expect = a.Has("expect") ? a.Long("expect", 0, 1) : null,
            Duration = a.Has("duration") ? a.Seconds("duration", TimeSpan.Zero) : null,
            Retained = a.Has("retained"),
        };
        a.EnsureAllRead();
        if (options.Expect is null && options.Duration is null)
        {
            throw new UsageException("count needs --expect N or --duration SECONDS (or both)");
        }

        return options;
    }
}
