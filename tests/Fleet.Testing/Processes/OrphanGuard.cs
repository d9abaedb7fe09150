using System.Globalization;

namespace Fleet.Testing.Processes;

/// <summary>
/// Stops a server and deletes its directory once the test process is gone, whatever way it went.
/// ProcessExit handlers are not enough: VSTest kills the test host about 100 ms after the run ends
/// (VSTEST_TESTHOST_SHUTDOWN_TIMEOUT), before `pg_ctl stop` returns, and a crashed, killed or
/// debugger-stopped host runs no handler at all. So a detached shell (setsid: outside the host's
/// process tree) polls for the host, then runs the cleanup. It exits on its own as soon as the
/// directory is gone, i.e. when the server was disposed normally.
/// </summary>
public static class OrphanGuard
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The usual guard: once the host is gone, SIGKILL the process whose pid is in <paramref name="pidFile"/> (a file in
    /// <paramref name="directory"/>), but only if its command line names that directory: the pid may have been reused.
    /// </summary>
    public static Task WatchPidFileAsync(string directory, string pidFile) =>
        WatchAsync(directory, "pid=$(cat \"$2/$3\") && tr '\\0' ' ' < \"/proc/$pid/cmdline\" | grep -qF \"$2\" && kill -9 \"$pid\"", pidFile);

    /// <param name="directory">The server's temp directory: "$2" in <paramref name="cleanup"/>.</param>
    /// <param name="cleanup">sh commands run after the host died; "$3", "$4", … are <paramref name="arguments"/>.</param>
    /// <param name="arguments">Values for the script, passed as arguments rather than spliced in, to avoid quoting.</param>
    public static async Task WatchAsync(string directory, string cleanup, params string[] arguments)
    {
        string script = string.Join('\n',
            "exec </dev/null >/dev/null 2>&1",
            "while kill -0 \"$1\" && [ -d \"$2\" ]; do sleep 0.5; done",
            "[ -d \"$2\" ] || exit 0",
            cleanup,
            "rm -rf \"$2\"");
        string[] commandLine = ["-f", "/bin/sh", "-c", script, "fleet-orphan-guard", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), directory, .. arguments];
        (int exitCode, string output, string error) = await ChildProcess.RunAsync("setsid", commandLine, StartTimeout);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"Could not start the cleanup guard for {directory} (setsid exited with {exitCode}): {output} {error}");
        }
    }
}
