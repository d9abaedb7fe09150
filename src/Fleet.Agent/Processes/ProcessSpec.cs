using System.Diagnostics;
using System.Text;

namespace Fleet.Agent.Processes;

/// <summary>What to run: a program, its arguments (passed one by one, never through a shell) and its environment.</summary>
/// <param name="Environment">Variables added to the agent's own environment; values may be secrets and are never shown.</param>
internal sealed record ProcessSpec(
    string FileName,
    IReadOnlyList<string> Arguments,
    string? WorkingDirectory = null,
    IReadOnlyDictionary<string, string>? Environment = null)
{
    /// <summary>
    /// The command as a shell would read it, plus the names (not values) of the added variables. Arguments are shown:
    /// pass secrets through the environment or a config file, or mask the text with the log's secrets before logging it.
    /// </summary>
    public override string ToString()
    {
        StringBuilder text = new(Quote(FileName));
        foreach (string argument in Arguments)
        {
            text.Append(' ').Append(Quote(argument));
        }

        if (!string.IsNullOrEmpty(WorkingDirectory))
        {
            text.Append(" (in ").Append(WorkingDirectory).Append(')');
        }

        if (Environment is { Count: > 0 })
        {
            text.Append(" (env: ").AppendJoin(", ", Environment.Keys.Order(StringComparer.Ordinal)).Append(')');
        }

        return text.ToString();
    }

    internal ProcessStartInfo CreateStartInfo()
    {
        ProcessStartInfo startInfo = new(FileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = WorkingDirectory ?? string.Empty,
        };
        foreach (string argument in Arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // systemd's notify socket is the agent's to use (Hosting.Systemd 10 leaves it in the environment); a child
        // that speaks sd_notify must not report readiness or stopping on the agent's behalf.
        startInfo.Environment.Remove("NOTIFY_SOCKET");

        if (Environment is not null)
        {
            foreach ((string name, string value) in Environment)
            {
                startInfo.Environment[name] = value;
            }
        }

        return startInfo;
    }

    private static string Quote(string value)
    {
        bool plain = value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,@%+".Contains(c, StringComparison.Ordinal));
        return plain ? value : $"'{value.Replace("'", "'\\''", StringComparison.Ordinal)}'";
    }
}
