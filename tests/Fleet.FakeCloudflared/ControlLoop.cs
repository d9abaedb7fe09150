namespace Fleet.FakeCloudflared;

/// <summary>
/// Polls the control file every 100 ms: `crash` exits, `noEdge` drops or restores the edge connection with
/// cloudflared's log lines; while the edge is unreachable the dial failure is logged about once a second.
/// </summary>
internal sealed class ControlLoop(string? path, ControlFile initial, TunnelState state, CloudflaredLog log, Action<int> exit)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    public async Task RunAsync(CancellationToken ct)
    {
        ControlFile control = initial;
        DateTimeOffset nextDial = DateTimeOffset.MinValue;
        using PeriodicTimer timer = new(PollInterval);
        try
        {
            do
            {
                control = ControlFile.TryRead(path) ?? control;
                if (control.Crash)
                {
                    exit(control.ExitCode);
                    return;
                }

                if (control.NoEdge)
                {
                    if (state.Connected)
                    {
                        state.Connected = false;
                        log.ConnectionTerminated();
                    }

                    if (DateTimeOffset.UtcNow >= nextDial)
                    {
                        log.DialFailed();
                        nextDial = DateTimeOffset.UtcNow + RetryInterval;
                    }
                }
                else if (!state.Connected)
                {
                    state.Connected = true;
                    log.Registered();
                }
            }
            while (await timer.WaitForNextTickAsync(ct));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
