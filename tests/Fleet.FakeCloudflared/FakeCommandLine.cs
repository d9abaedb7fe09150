namespace Fleet.FakeCloudflared;

/// <summary>
/// The part of cloudflared's command line the stand-in understands: <c>tunnel [flags]</c> with <c>--url</c>,
/// <c>--metrics</c>, and <c>version</c> / <c>--version</c>. Flags take <c>--flag value</c> or <c>--flag=value</c> (one
/// or two dashes, as urfave/cli allows); other flags are accepted and ignored.
/// </summary>
internal sealed record FakeCommandLine(string? Command, string? Url, string? Metrics, bool HelloWorld)
{
    private static readonly HashSet<string> ValueFlags =
    [
        "url", "metrics", "loglevel", "transport-loglevel", "protocol", "logfile", "log-directory", "config", "edge-ip-version",
        "region", "ha-connections", "output", "pidfile", "edge-bind-address", "grace-period", "origincert", "token",
    ];

    public static FakeCommandLine Parse(IReadOnlyList<string> args)
    {
        string? command = null;
        string? url = null;
        string? metrics = null;
        bool helloWorld = false;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith('-'))
            {
                command ??= arg;
                continue;
            }

            string flag = arg.TrimStart('-');
            string? value = null;
            int equals = flag.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                value = flag[(equals + 1)..];
                flag = flag[..equals];
            }
            else if (ValueFlags.Contains(flag) && i + 1 < args.Count)
            {
                value = args[++i];
            }

            switch (flag)
            {
                case "version" or "v" or "V":
                    command = "version";
                    break;
                case "url":
                    url = value;
                    break;
                case "metrics":
                    metrics = value;
                    break;
                case "hello-world":
                    helloWorld = true;
                    break;
            }
        }

        return new FakeCommandLine(command, url, metrics, helloWorld);
    }
}
