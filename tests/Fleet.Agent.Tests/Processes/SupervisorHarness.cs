using System.Text;

using Fleet.Agent.Configuration;
using Fleet.Agent.Logging;
using Fleet.Agent.Processes;
using Fleet.Agent.Tests.Logging;

using Microsoft.Extensions.Time.Testing;

namespace Fleet.Agent.Tests.Processes;

/// <summary>A supervisor over a real short-lived process, a log file in a temp directory, a fake clock and a probe.</summary>
internal sealed class SupervisorHarness : IAsyncDisposable
{
    public static readonly TimeSpan MinBackoff = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(8);

    private readonly TempDirectory _dir = new();

    public SupervisorHarness(
        ProcessSpec spec,
        IReadOnlyCollection<string>? secrets = null,
        TimeProvider? clock = null,
        TimeSpan? minBackoff = null,
        TimeSpan? maxBackoff = null,
        TimeSpan? outputDrainTimeout = null,
        ProviderLogSettings? journal = null)
    {
        Clock = clock ?? new FakeTimeProvider();
        LogPath = _dir.Combine("logs", "process.log");
        Log = new RotatingLogFile(LogPath, secrets: secrets);
        Supervisor = new ProcessSupervisor("test-process", spec, Log, minBackoff ?? MinBackoff, maxBackoff ?? MaxBackoff, Clock, Logger.CreateLogger(nameof(ProcessSupervisor)), journal)
        {
            OutputDrainTimeout = outputDrainTimeout ?? TimeSpan.FromSeconds(2),
        };
        Probe = new SupervisorProbe(Supervisor);
    }

    public TimeProvider Clock { get; }

    public FakeTimeProvider FakeClock => (FakeTimeProvider)Clock;

    /// <summary>What the supervisor logs, for assertions on messages and on secrets left out.</summary>
    public CapturingLoggerProvider Logger { get; } = new();

    public string LogPath { get; }

    public RotatingLogFile Log { get; }

    public ProcessSupervisor Supervisor { get; }

    public SupervisorProbe Probe { get; }

    public Task Run { get; private set; } = Task.CompletedTask;

    public string TempPath => _dir.Path;

    /// <summary>/bin/sh -c script, with <paramref name="arguments"/> as $1, $2, …</summary>
    public static ProcessSpec Sh(string script, params string[] arguments) => new("/bin/sh", ["-c", script, "sh", .. arguments]);

    public void Start(CancellationToken ct = default) => Run = Supervisor.RunAsync(ct);

    public string ReadLog()
    {
        using FileStream stream = new(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using StreamReader reader = new(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public async ValueTask DisposeAsync()
    {
        await Supervisor.DisposeAsync();
        await Run.WaitAsync(SupervisorProbe.Patience);
        Log.Dispose();
        _dir.Dispose();
    }
}
