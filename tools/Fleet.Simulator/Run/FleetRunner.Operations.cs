using Fleet.Domain.Messages;

namespace Fleet.Simulator.Run;

/// <summary>The asynchronous operations the loop starts; each ends the detector's claim and reports through the inbox.</summary>
internal sealed partial class FleetRunner
{
    private async Task ConnectAsync(SimulatedDetector detector, CancellationToken ct)
    {
        var ok = false;
        try
        {
            await _connecting.WaitAsync(ct);
            try
            {
                await detector.ConnectAsync(_inbox.Enqueue, ct);
                Interlocked.Increment(ref _statusPublished);
                await PublishStateCoreAsync(detector, changeUrl: false, ct);
                ok = true;
            }
            finally
            {
                _connecting.Release();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            if (detector.Failures == 0 && !options.Quiet)
            {
                progress($"{detector.Id}: connect failed: {ex.Message}");
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            _inbox.Enqueue(new SimEvent(detector.Index, ok ? SimEventKind.Connected : SimEventKind.ConnectFailed, detector.Generation));
            detector.End();
        }
    }

    private async Task PublishStateAsync(SimulatedDetector detector, bool changeUrl, CancellationToken ct)
    {
        try
        {
            await PublishStateCoreAsync(detector, changeUrl, ct);
        }
        catch (Exception)
        {
            // Counted as failed; a lost connection is noticed through its Disconnected event.
        }
        finally
        {
            detector.End();
        }
    }

    private async Task PublishStateCoreAsync(SimulatedDetector detector, bool changeUrl, CancellationToken ct)
    {
        Interlocked.Increment(ref _published);
        try
        {
            await detector.PublishStateAsync(changeUrl, ct);
            Interlocked.Increment(ref _acked);
        }
        catch
        {
            Interlocked.Increment(ref _failed);
            throw;
        }
    }

    private async Task ResyncAsync(SimulatedDetector detector, CancellationToken ct)
    {
        try
        {
            await detector.PublishStatusAsync(Presence.Online, null, ct);
            Interlocked.Increment(ref _statusPublished);
            await PublishStateCoreAsync(detector, changeUrl: false, ct);
        }
        catch (Exception)
        {
            // As for any publish: counted; a lost connection shows up as Disconnected.
        }
        finally
        {
            detector.End();
        }
    }

    /// <summary>Waits for operations in flight, then says `offline` and disconnects every connected detector.</summary>
    private async Task StopAllAsync()
    {
        var deadline = Now + 60;
        while (detectors.Any(d => d.IsBusy) && Now < deadline)
        {
            await Task.Delay(20);
        }

        var stopped = 0;
        using var gate = new SemaphoreSlim(options.MaxConnecting);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await Task.WhenAll(detectors.Select(async detector =>
        {
            await gate.WaitAsync(CancellationToken.None);
            try
            {
                if (detector.IsConnected)
                {
                    await detector.StopAsync(timeout.Token);
                    Interlocked.Increment(ref _statusPublished);
                    Interlocked.Increment(ref stopped);
                }
                else
                {
                    detector.Crash();
                }
            }
            catch (Exception ex)
            {
                if (!options.Quiet)
                {
                    progress($"{detector.Id}: clean stop failed: {ex.Message}");
                }
            }
            finally
            {
                gate.Release();
            }
        }));
        progress($"stopped: {stopped} detectors said offline and disconnected");
    }

    private void Report(double now)
    {
        if (options.Quiet)
        {
            return;
        }

        var connected = detectors.Count(d => d.Phase == DetectorPhase.Connected);
        progress($"[{now,7:0.0}s] connected {connected}/{detectors.Count}, state published {Interlocked.Read(ref _published)}, " +
            $"acked {Interlocked.Read(ref _acked)}, failed {Interlocked.Read(ref _failed)}, reconnects {_reconnects}, crashes {_crashes}, " +
            $"skipped {_skipped}, working set {Environment.WorkingSet / 1048576} MB");
    }
}
