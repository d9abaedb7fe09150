namespace Fleet.FakeNgrok;

/// <summary>What the API serves; written by the control loop, read by requests.</summary>
internal sealed class FakeAgentState(TunnelTable tunnels, ApiShape shape)
{
    public const string Version = "3.19.0-fake";

    private volatile bool _sessionOnline = true;
    private volatile int _shape = (int)shape;

    public TunnelTable Tunnels { get; } = tunnels;

    public ApiShape Shape
    {
        get => (ApiShape)_shape;
        set => _shape = (int)value;
    }

    public bool SessionOnline
    {
        get => _sessionOnline;
        set => _sessionOnline = value;
    }
}
