using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Fleet.Agent.Tunnels;

/// <summary>What one line of <c>ssh -v</c> output means to the provider.</summary>
internal enum SshLineKind
{
    /// <summary>Nothing the provider acts on (debug chatter, a host key added).</summary>
    None,

    /// <summary>The relay accepted the remote forward: its port is being listened on.</summary>
    ForwardReady,

    /// <summary>Why ssh failed or is about to exit, in words (<see cref="SshLine.Text"/>).</summary>
    Error,

    /// <summary>A line ssh printed that is not recognised (<see cref="SshLine.Text"/>, cleaned): a reason only when no known one came.</summary>
    Other,
}

internal readonly record struct SshLine(SshLineKind Kind, string? Text = null);

/// <summary>
/// Reads OpenSSH 9's client output (<c>ssh -v</c>: its own messages plus debug1 lines) and turns the few lines that
/// matter into a state change or a reason an operator can act on. The messages are OpenSSH's (clientloop.c, sshconnect.c,
/// ssh.c); a line that is not recognised is kept as it is, cleaned, so a new message still reaches provider.error.
/// </summary>
internal static partial class ReverseSshOutput
{
    /// <summary>Longer reasons are cut: provider.error is shown in lists and must not carry a whole log.</summary>
    public const int MaxText = 300;

    public static SshLine Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var text = line.Trim();
        if (text.StartsWith("debug", StringComparison.Ordinal))
        {
            // "remote forward success for: listen 2222, connect localhost:22" (debug1, once per -R).
            return ForwardSuccess().IsMatch(text) ? new SshLine(SshLineKind.ForwardReady) : default;
        }

        if (text.Length == 0 || text.StartsWith("Warning: Permanently added", StringComparison.Ordinal)
            || text.StartsWith("Authenticated to", StringComparison.Ordinal) || text.StartsWith("Transferred:", StringComparison.Ordinal)
            || text.StartsWith("Bytes per second:", StringComparison.Ordinal) || text.StartsWith("OpenSSH_", StringComparison.Ordinal))
        {
            return default;
        }

        return Explain(text) is { } reason ? new SshLine(SshLineKind.Error, reason) : new SshLine(SshLineKind.Other, Clean(text));
    }

    private static string? Explain(string text)
    {
        if (ForwardRefused().Match(text) is { Success: true } refused)
        {
            return $"the relay refused to listen on port {refused.Groups[1].Value}: the port is taken (by another detector or service) or this key may not listen there (permitlisten)";
        }

        if (text.Contains("Permission denied", StringComparison.Ordinal))
        {
            return "the relay refused the key: it is not (or no longer) in the relay's authorized keys for this user";
        }

        if (text.StartsWith("Host key verification failed", StringComparison.Ordinal) || text.Contains("REMOTE HOST IDENTIFICATION HAS CHANGED", StringComparison.Ordinal))
        {
            return "the relay's host key is not the one in Agent:ReverseSsh:KnownHostsFile: if the relay was reinstalled, remove its line there";
        }

        if (ConnectFailed().Match(text) is { Success: true } connect)
        {
            return Clean($"cannot reach the relay {connect.Groups[1].Value} port {connect.Groups[2].Value}: {connect.Groups[3].Value}");
        }

        if (ResolveFailed().Match(text) is { Success: true } resolve)
        {
            return Clean($"the relay's name {resolve.Groups[1].Value} does not resolve: {resolve.Groups[2].Value}");
        }

        if (text.StartsWith("Timeout, server", StringComparison.Ordinal))
        {
            return "the relay stopped answering keep-alives";
        }

        if (text.StartsWith("Connection to", StringComparison.Ordinal) && text.Contains("closed by remote host", StringComparison.Ordinal)
            || text.StartsWith("Connection closed by", StringComparison.Ordinal) || text.StartsWith("Connection reset by", StringComparison.Ordinal)
            || text.StartsWith("client_loop: send disconnect", StringComparison.Ordinal))
        {
            return "the relay closed the connection";
        }

        return null;
    }

    /// <summary>Control and invisible characters out (provider.error refuses them), then cut to <see cref="MaxText"/>.</summary>
    internal static string Clean(string text)
    {
        StringBuilder clean = new(Math.Min(text.Length, MaxText));
        foreach (var c in text)
        {
            var category = char.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.OtherNotAssigned)
            {
                continue;
            }

            if (clean.Length == MaxText)
            {
                break;
            }

            clean.Append(c);
        }

        return clean.ToString();
    }

    [GeneratedRegex(@"remote forward success for: listen ")]
    private static partial Regex ForwardSuccess();

    [GeneratedRegex(@"remote port forwarding failed for listen port (\d+)")]
    private static partial Regex ForwardRefused();

    [GeneratedRegex(@"^ssh: connect to host (\S+) port (\d+): (.+)$")]
    private static partial Regex ConnectFailed();

    [GeneratedRegex(@"^ssh: Could not resolve hostname (\S+): (.+)$")]
    private static partial Regex ResolveFailed();
}
