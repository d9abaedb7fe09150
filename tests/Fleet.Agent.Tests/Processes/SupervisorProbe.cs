using System.Globalization;
using System.Threading.Channels;

using Fleet.Agent.Processes;

namespace Fleet.Agent.Tests.Processes;

/// <summary>Records a supervisor's events into channels a test can await, each wait bounded.</summary>
internal sealed class SupervisorProbe
{
    // Only a failing test ever waits this long.
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    private readonly Channel<SupervisedState> _states = Channel.CreateUnbounded<SupervisedState>();
    private readonly Channel<(TimeSpan Delay, int Failures, int Restarts)> _restarts = Channel.CreateUnbounded<(TimeSpan, int, int)>();
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<SupervisedState> _history = [];

    public SupervisorProbe(ProcessSupervisor supervisor)
    {
        supervisor.StateChanged += state =>
        {
            lock (_history)
            {
                _history.Add(state);
            }

            _states.Writer.TryWrite(state);
        };
        supervisor.RestartScheduled += delay => _restarts.Writer.TryWrite((delay, supervisor.ConsecutiveFailures, supervisor.Restarts));
        supervisor.LineReceived += line => _lines.Writer.TryWrite(line);
    }

    public IReadOnlyList<SupervisedState> History
    {
        get
        {
            lock (_history)
            {
                return [.. _history];
            }
        }
    }

    public async Task WaitForStateAsync(SupervisedState wanted)
    {
        while (await _states.Reader.ReadAsync().AsTask().WaitAsync(Patience) != wanted)
        {
        }
    }

    /// <summary>The next restart: its delay, the failure count and the restart count when it was scheduled.</summary>
    public Task<(TimeSpan Delay, int Failures, int Restarts)> NextRestartAsync() =>
        _restarts.Reader.ReadAsync().AsTask().WaitAsync(Patience);

    public async Task<string> WaitForLineAsync(Func<string, bool> match)
    {
        string line;
        while (!match(line = await _lines.Reader.ReadAsync().AsTask().WaitAsync(Patience)))
        {
        }

        return line;
    }

    public static int ParseInt(string text) => int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
}
