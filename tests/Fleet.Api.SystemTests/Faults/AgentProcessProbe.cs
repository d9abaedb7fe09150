using System.Globalization;

namespace Fleet.Api.SystemTests.Faults;

/// <summary>
/// What the kernel says about a running process: resident memory, open descriptors, sockets, threads.
/// <see cref="Handles"/> leaves out the assemblies and native libraries the runtime maps as it loads code lazily,
/// which is growth but not a leak.
/// </summary>
public sealed record AgentProcessProbe(double RssMb, int OpenFiles, int Handles, int Sockets, int Threads)
{
    public static AgentProcessProbe Read(int processId)
    {
        var status = File.ReadAllLines($"/proc/{processId}/status");
        var fds = Directory.GetFiles($"/proc/{processId}/fd");
        var sockets = 0;
        var code = 0;
        foreach (var fd in fds)
        {
            try
            {
                var target = new FileInfo(fd).LinkTarget ?? string.Empty;
                if (target.StartsWith("socket:", StringComparison.Ordinal))
                {
                    sockets++;
                }
                else if (target.EndsWith(".dll", StringComparison.Ordinal) || target.Contains(".so", StringComparison.Ordinal))
                {
                    code++;
                }
            }
            catch (IOException)
            {
                // Closed between the listing and the read.
            }
        }

        return new AgentProcessProbe(Field(status, "VmRSS:") / 1024.0, fds.Length, fds.Length - code, sockets, (int)Field(status, "Threads:"));
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"RSS {RssMb:0.0} MB, {OpenFiles} fds ({Handles} not code, {Sockets} sockets), {Threads} threads");

    private static long Field(string[] status, string name)
    {
        var line = status.First(l => l.StartsWith(name, StringComparison.Ordinal));
        return long.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }
}
