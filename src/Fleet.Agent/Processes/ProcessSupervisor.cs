using System.ComponentModel;
using System.Diagnostics;

using Fleet.Agent.Configuration;
using Fleet.Agent.Logging;
using Fleet.Domain.Retry;

namespace Fleet.Agent.Processes;

/// <summary>
/// Keeps one child process (ngrok, ssh) running: starts it, copies every stdout and stderr line to a log file (secrets
/// masked) and to <see cref="LineReceived"/> (raw), restarts it with capped, jittered backoff whenever it exits or
/// cannot start, and on stop kills its whole process tree.
/// </summary>
internal sealed partial class ProcessSupervisor : IAsyncDisposable
{
    private const int NoProcess = 0;
    private const int NoExitCode = int.MinValue;

    private readonly ProcessSpec _spec;
    private readonly RotatingLogFile _log;
    private readonly TimeSpan _minBackoff;
    private readonly TimeSpan _maxBackoff;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly OutputRelay _output;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile SupervisedState _state = SupervisedState.Stopped;
    private volatile int _processId = NoProcess;
    private volatile int _lastExitCode = NoExitCode;
    private int _restarts;
    private int _consecutiveFailures;
    private int _started;
    private int _disposed;

    /// <param name="name">For messages ("ngrok"), also the tag of the agent's own lines in the log file.</param>
    /// <param name="log">Not owned: dispose it after the supervisor.</param>
    /// <param name="minBackoff">The first wait before a restart is between this and twice this.</param>
    /// <param name="maxBackoff">No wait is longer than this, however many failures in a row.</param>
    /// <param name="journal">Agent:ProviderLog: which output lines are copied to <paramref name="logger"/> too; none when null.</param>
    public ProcessSupervisor(string name, ProcessSpec spec, RotatingLogFile log, TimeSpan minBackoff, TimeSpan maxBackoff, TimeProvider clock, ILogger logger, ProviderLogSettings? journal = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(minBackoff, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBackoff, minBackoff);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(logger);
        (Name, _spec, _log, _minBackoff, _maxBackoff, _clock, _logger) = (name, spec, log, minBackoff, maxBackoff, clock, logger);
        _output = new OutputRelay(
            name,
            log,
            line => Raise(LineReceived, line, nameof(LineReceived)),
            logger,
            journal is null ? null : new ProviderJournal(name, log.FilePath, journal, clock, logger));
    }

    /// <summary>Every stdout and stderr line, unmasked, one call at a time (never concurrently); keep the handler quick.</summary>
    public event Action<string>? LineReceived;

    public event Action<SupervisedState>? StateChanged;

    /// <summary>Raised with the delay once the wait before a restart has begun (a fake clock can then be advanced).</summary>
    public event Action<TimeSpan>? RestartScheduled;

    public string Name { get; }

    /// <summary>A run at least this long counts as healthy: the failure after it backs off from the minimum again.</summary>
    public TimeSpan StableRunTime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long to wait for the killed tree to exit before giving up on it (real time: this waits on the kernel).</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the output may stay open after the process exited (a leftover grandchild can hold the pipe).</summary>
    public TimeSpan OutputDrainTimeout { get; init; } = TimeSpan.FromSeconds(2);

    public SupervisedState State => _state;

    /// <summary>Starts after the first one, whether the process crashed or could not be started.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>The exit code of the last run; null before the first exit and after a failed start.</summary>
    public int? LastExitCode => _lastExitCode is var code and not NoExitCode ? code : null;

    /// <summary>The running process's id; null while none runs.</summary>
    public int? ProcessId => _processId is var pid and not NoProcess ? pid : null;

    /// <summary>Failures since the last healthy run; the attempt number given to the backoff.</summary>
    public int ConsecutiveFailures => Volatile.Read(ref _consecutiveFailures);

    /// <summary>Supervises until <paramref name="ct"/> is cancelled or <see cref="StopAsync"/> is called; then returns normally.</summary>
    public Task RunAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            throw new InvalidOperationException($"The {Name} supervisor is already running; RunAsync may be called once.");
        }

        // The caller gets the same task StopAsync awaits, so both see the end at the same moment.
        _ = SuperviseAsync(ct);
        return _finished.Task;
    }

    /// <summary>Kills the process tree and waits until <see cref="RunAsync"/> has finished (state Stopped).</summary>
    public async Task StopAsync()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) == 1, this);
        await _stop.CancelAsync();
        if (Volatile.Read(ref _started) == 1)
        {
            // A bug that ended the run is RunAsync's caller's to see; stopping still succeeds.
            await _finished.Task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Volatile.Read(ref _disposed) == 1)
        {
            return;
        }

        await StopAsync();
        Interlocked.Exchange(ref _disposed, 1);
        _stop.Dispose();
    }

    private async Task SuperviseAsync(CancellationToken ct)
    {
        try
        {
            await RestartLoopAsync(ct);
            _finished.TrySetResult();
        }
        catch (Exception ex)
        {
            // A bug, not a crash of the child: the caller sees it through RunAsync's task.
            _finished.TrySetException(ex);
        }
    }

    private async Task RestartLoopAsync(CancellationToken ct)
    {
        using CancellationTokenSource linked = CancellationTokenSource.CreateLinkedTokenSource(ct, _stop.Token);
        CancellationToken token = linked.Token;
        try
        {
            for (int attempt = 0; !token.IsCancellationRequested; attempt++)
            {
                if (attempt > 0)
                {
                    Interlocked.Increment(ref _restarts);
                }

                (TimeSpan uptime, int? exitCode) = await RunOnceAsync(token);
                token.ThrowIfCancellationRequested();
                int failures = uptime >= StableRunTime ? 1 : ConsecutiveFailures + 1;
                Volatile.Write(ref _consecutiveFailures, failures);
                _lastExitCode = exitCode ?? NoExitCode;
                SetState(SupervisedState.Crashed);

                TimeSpan delay = Backoff.Delay(failures, _minBackoff, _maxBackoff);
                LogRestartScheduled(Name, delay, failures);
                Task wait = Task.Delay(delay, _clock, token);
                Raise(RestartScheduled, delay, nameof(RestartScheduled));
                await wait;
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Asked to stop: RunOnceAsync has already killed and reaped the tree.
        }
        finally
        {
            SetState(SupervisedState.Stopped);
            LogStopped(Name);
        }
    }

    /// <returns>How long the process ran (zero if it could not start) and its exit code (null if it could not start).</returns>
    private async Task<(TimeSpan Uptime, int? ExitCode)> RunOnceAsync(CancellationToken token)
    {
        SetState(SupervisedState.Starting);
        string command = _log.Redact(_spec.ToString());
        using Process process = new() { StartInfo = _spec.CreateStartInfo() };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            // Binary missing or not executable: a crash like any other, so it gets the same backoff.
            LogStartFailed(Name, command, ex.Message);
            _output.Mark($"could not start {command}: {ex.Message}");
            return (TimeSpan.Zero, null);
        }

        long startedAt = _clock.GetTimestamp();
        int pid = process.Id;
        CloseInput(process);
        _processId = pid;
        LogStarted(Name, pid, command);
        _output.Mark($"started pid {pid}: {command}");
        SetState(SupervisedState.Running);

        using CancellationTokenSource stopReading = new();
        Task reading = _output.ReadAsync(process, stopReading.Token);
        try
        {
            await process.WaitForExitAsync(token);
        }
        catch (OperationCanceledException)
        {
            await KillTreeAsync(process, pid);
            await _output.DrainAsync(reading, stopReading, OutputDrainTimeout);
            _processId = NoProcess;
            _output.Mark($"stopped pid {pid}");
            throw;
        }

        // The exit is reported only once its last lines are in the log (they often say why it exited).
        await _output.DrainAsync(reading, stopReading, OutputDrainTimeout);
        _processId = NoProcess;
        TimeSpan uptime = _clock.GetElapsedTime(startedAt);
        LogExited(Name, pid, process.ExitCode, uptime);
        _output.Mark($"pid {pid} exited with code {process.ExitCode} after {uptime}");
        return (uptime, process.ExitCode);
    }

    private async Task KillTreeAsync(Process process, int pid)
    {
        LogKilling(Name, pid);
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited on its own meanwhile.
        }
        catch (Exception ex) when (ex is Win32Exception or AggregateException)
        {
            LogKillFailed(Name, pid, ex);
        }

        try
        {
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(StopTimeout);
        }
        catch (TimeoutException)
        {
            LogKillTimedOut(Name, pid, StopTimeout);
        }
    }

    /// <summary>Called by the supervision loop only, so the events come in the order of the changes.</summary>
    private void SetState(SupervisedState state)
    {
        if (_state != state)
        {
            _state = state;
            Raise(StateChanged, state, nameof(StateChanged));
        }
    }

    private void Raise<T>(Action<T>? handler, T value, string eventName)
    {
        try
        {
            handler?.Invoke(value);
        }
        catch (Exception ex)
        {
            // Whatever a subscriber's bug throws, it must not stop the supervision or the output readers.
            LogHandlerFailed(Name, eventName, ex);
        }
    }

    private static void CloseInput(Process process)
    {
        try
        {
            // End of input at once: neither ngrok nor ssh -N reads it, and nothing may ever wait for a terminal.
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already exited; the exit is picked up by the wait.
        }
    }
}
