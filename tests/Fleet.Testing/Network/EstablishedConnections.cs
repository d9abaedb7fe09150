using System.Globalization;

namespace Fleet.Testing.Network;

/// <summary>What Linux's /proc/net/tcp (IPv4) shows: the connections a local server port has accepted, answered or not.</summary>
public static class EstablishedConnections
{
    private const string Established = "01";

    /// <summary>Established connections whose local end is <paramref name="port"/> (a server's side; the kernel accepts even while the server is stopped).</summary>
    public static int To(int port)
    {
        var hex = port.ToString("X4", CultureInfo.InvariantCulture);
        return File.ReadLines("/proc/net/tcp")
            .Skip(1)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Count(fields => fields.Length > 3 && fields[1].EndsWith(":" + hex, StringComparison.Ordinal) && fields[3] == Established);
    }
}
