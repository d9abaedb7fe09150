using System.Globalization;
using System.Security.Cryptography;

namespace Fleet.FakeNgrok;

/// <summary>The running tunnels. URLs are random per run unless pinned by the control file or fixed by the config.</summary>
internal sealed class TunnelTable(IEnumerable<FakeTunnelSpec> specs, IReadOnlyDictionary<string, string> pins)
{
    private readonly Lock _gate = new();
    private List<FakeTunnel> _tunnels = [.. specs.Select(s => Start(s, pins))];

    public IReadOnlyList<FakeTunnel> Snapshot()
    {
        lock (_gate)
        {
            return [.. _tunnels];
        }
    }

    /// <summary>Restarts every tunnel, as a restart of the agent would; returns the new ones.</summary>
    public IReadOnlyList<FakeTunnel> RestartAll(IReadOnlyDictionary<string, string> pins)
    {
        lock (_gate)
        {
            _tunnels = [.. _tunnels.Select(t => Start(t.Spec, pins))];
            return [.. _tunnels];
        }
    }

    /// <summary>Moves tunnels whose pin differs from their URL to it; returns those that moved.</summary>
    public IReadOnlyList<FakeTunnel> ApplyPins(IReadOnlyDictionary<string, string> pins)
    {
        lock (_gate)
        {
            List<FakeTunnel> moved = [];
            for (int i = 0; i < _tunnels.Count; i++)
            {
                if (pins.TryGetValue(_tunnels[i].Name, out string? pin) && pin != _tunnels[i].Url)
                {
                    _tunnels[i] = _tunnels[i] with { Url = pin };
                    moved.Add(_tunnels[i]);
                }
            }

            return moved;
        }
    }

    private static FakeTunnel Start(FakeTunnelSpec spec, IReadOnlyDictionary<string, string> pins)
    {
        string url = pins.GetValueOrDefault(spec.Name) ?? spec.FixedUrl ?? spec.Proto switch
        {
            "tcp" => string.Create(CultureInfo.InvariantCulture, $"tcp://0.tcp.eu.ngrok.io:{RandomNumberGenerator.GetInt32(10000, 60001)}"),
            "tls" => $"tls://{Hex(4)}.ngrok-free.app",
            _ => $"https://{Hex(4)}.ngrok-free.app",
        };
        return new FakeTunnel(spec, url, "tn_" + Hex(12));
    }

    public static string Hex(int bytes) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));
}
