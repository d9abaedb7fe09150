namespace Fleet.FakeNgrok;

/// <summary>Polls the control file every 100 ms and applies what changed.</summary>
internal sealed class ControlLoop(string? path, ControlFile initial, FakeAgentState state, AgentLog log, Action<int> exit)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    // The start counts as seeing the initial token: only a later, different value restarts the tunnels.
    private string? _lastChangeUrl = initial.ChangeUrl;
    private bool _dropped;

    public async Task RunAsync(CancellationToken ct)
    {
        Apply(initial);
        using PeriodicTimer timer = new(PollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                if (ControlFile.TryRead(path) is { } control)
                {
                    Apply(control);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private void Apply(ControlFile control)
    {
        if (control.Crash)
        {
            exit(control.ExitCode);
            return;
        }

        if (control.Error is { } code)
        {
            log.CommandFailed(code);
            exit(1);
            return;
        }

        state.Shape = control.Shape;
        state.Offline = control.Offline;
        log.TunnelsStarted(state.Tunnels.ApplyPins(control.Urls));

        if (control.ChangeUrl != _lastChangeUrl)
        {
            _lastChangeUrl = control.ChangeUrl;
            log.TunnelsStarted(state.Tunnels.RestartAll(control.Urls));
        }

        if (control.DropSession != _dropped)
        {
            _dropped = control.DropSession;
            state.SessionOnline = !_dropped;
            if (_dropped)
            {
                log.SessionLost();
            }
            else
            {
                // A reconnect re-announces every tunnel with the URL it had.
                log.SessionEstablished();
                log.TunnelsStarted(state.Tunnels.Snapshot());
            }
        }
    }
}
