namespace Fleet.FakeNgrok;

/// <summary>
/// The part of ngrok's command line the stand-in understands: `start [--all|--none|name…]`, `version`,
/// `--version`, `--config` (repeatable), `--log`, `--log-format`. Flags take `--flag value` or `--flag=value`
/// (one or two dashes, as Go's flag parsing allows); unknown flags are ignored, so give them values with `=`.
/// </summary>
internal sealed record FakeCommandLine(
    string? Command,
    IReadOnlyList<string> ConfigPaths,
    IReadOnlyList<string> Names,
    bool All,
    string? LogTarget,
    string? LogFormat)
{
    private static readonly HashSet<string> ValueFlags = ["config", "log", "log-format", "log-level", "authtoken", "region", "url", "domain"];

    public static FakeCommandLine Parse(IReadOnlyList<string> args)
    {
        string? command = null;
        List<string> configs = [];
        List<string> names = [];
        bool all = false;
        string? log = null;
        string? logFormat = null;

        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith('-'))
            {
                if (command is null)
                {
                    command = arg;
                }
                else
                {
                    names.Add(arg);
                }

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
                case "version":
                    command = "version";
                    break;
                case "all":
                    all = true;
                    break;
                case "config" when value is not null:
                    configs.Add(value);
                    break;
                case "log":
                    log = value;
                    break;
                case "log-format":
                    logFormat = value;
                    break;
                default:
                    break;
            }
        }

        return new FakeCommandLine(command, configs, names, all, log, logFormat);
    }
}
