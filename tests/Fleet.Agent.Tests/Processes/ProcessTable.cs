using System.Globalization;

namespace Fleet.Agent.Tests.Processes;

/// <summary>Asks /proc whether a process still lives; a zombie (killed, not yet reaped by init) counts as gone.</summary>
internal static class ProcessTable
{
    public static bool IsAlive(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat"));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }

        // "pid (comm) S ...": the state follows the last ')', since comm may itself contain one.
        char state = stat[(stat.LastIndexOf(')') + 2)..][0];
        return state is not ('Z' or 'X');
    }

    /// <summary>A SIGKILL takes effect asynchronously, so the check is retried for a bounded time.</summary>
    public static async Task<bool> IsGoneSoonAsync(int pid)
    {
        using CancellationTokenSource deadline = new(SupervisorProbe.Patience);
        while (IsAlive(pid))
        {
            if (deadline.IsCancellationRequested)
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }

    public static void KillQuietly(int pid)
    {
        try
        {
            using System.Diagnostics.Process process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }
}
