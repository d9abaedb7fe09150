namespace Fleet.FakeNgrok;

/// <summary>What the API serves; written by the control loop, read by requests.</summary>
internal sealed class FakeAgentState(TunnelTable tunnels, ApiShape shape)
{
    public const string Version = "3.19.0-fake";

    private volatile bool _sessionOnline = true;
    private volatile IReadOnlySet<string> _offline = new HashSet<string>();
    private volatile int _shape = (int)shape;

    public TunnelTable Tunnels { get; } = tunnels;

    public ApiShape Shape
    {
        get => (ApiShape)_shape;
        set => _shape = (int)value;
    }

    /// <summary>Tunnel names whose endpoint the edge stand-in reports offline (ERR_NGROK_3200).</summary>
    public IReadOnlySet<string> Offline
    {
        get => _offline;
        set => _offline = value;
    }

    public bool SessionOnline
    {
        get => _sessionOnline;
        set => _sessionOnline = value;
    }
}
