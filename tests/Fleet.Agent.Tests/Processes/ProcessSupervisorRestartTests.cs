using Fleet.Agent.Processes;

namespace Fleet.Agent.Tests.Processes;

public sealed class ProcessSupervisorRestartTests
{
    [Fact]
    public async Task Exit_IsACrashWithItsExitCode_AndARestartIsScheduled()
    {
        await using SupervisorHarness harness = new(SupervisorHarness.Sh("echo hi; exit 3"));
        harness.Start();

        (TimeSpan delay, int failures, int restarts) = await harness.Probe.NextRestartAsync();

        Assert.Equal(3, harness.Supervisor.LastExitCode);
        Assert.Equal(SupervisedState.Crashed, harness.Supervisor.State);
        Assert.Null(harness.Supervisor.ProcessId);
        Assert.Equal(1, failures);
        Assert.Equal(0, restarts);
        Assert.InRange(delay, SupervisorHarness.MinBackoff, 2 * SupervisorHarness.MinBackoff);
        Assert.Equal([SupervisedState.Starting, SupervisedState.Running, SupervisedState.Crashed], harness.Probe.History);
        Assert.Contains("exited with code 3", harness.ReadLog(), StringComparison.Ordinal);
        Assert.Contains(harness.Logger.Lines, m => m.Contains("exited with code 3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Crashes_AreRestartedOnlyAfterAGrowingCappedBackoff()
    {
        await using SupervisorHarness harness = new(SupervisorHarness.Sh("exit 1"));
        harness.Start();

        for (int attempt = 1; attempt <= 6; attempt++)
        {
            (TimeSpan delay, int failures, int restarts) = await harness.Probe.NextRestartAsync();

            // The restart count moves only when the fake clock is advanced: no restart without the wait.
            Assert.Equal(attempt - 1, restarts);
            Assert.Equal(attempt, failures);
            TimeSpan ceiling = TimeSpan.FromTicks(Math.Min(SupervisorHarness.MaxBackoff.Ticks, SupervisorHarness.MinBackoff.Ticks << attempt));
            Assert.InRange(delay, SupervisorHarness.MinBackoff, ceiling);
            harness.FakeClock.Advance(delay);
        }

        await harness.Probe.NextRestartAsync();
        Assert.Equal(6, harness.Supervisor.Restarts);
        Assert.Equal(1, harness.Supervisor.LastExitCode);
    }

    [Fact]
    public async Task StartFailure_IsACrashWithBackoff_NotATightLoop()
    {
        ProcessSpec missing = new("/nonexistent/fleet-test/ngrok", ["start", "--all"]);
        await using SupervisorHarness harness = new(missing);
        harness.Start();

        (TimeSpan first, int failures, int restarts) = await harness.Probe.NextRestartAsync();
        Assert.Equal((1, 0), (failures, restarts));
        Assert.Equal(SupervisedState.Crashed, harness.Supervisor.State);
        Assert.Null(harness.Supervisor.LastExitCode);
        Assert.Null(harness.Supervisor.ProcessId);
        Assert.Equal([SupervisedState.Starting, SupervisedState.Crashed], harness.Probe.History);

        harness.FakeClock.Advance(first);
        (_, failures, restarts) = await harness.Probe.NextRestartAsync();
        Assert.Equal((2, 1), (failures, restarts));
        Assert.Contains("could not start /nonexistent/fleet-test/ngrok start --all", harness.ReadLog(), StringComparison.Ordinal);
        Assert.Contains(harness.Logger.Lines, m => m.StartsWith("Error ProcessSupervisor: test-process could not be started", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LongRun_ResetsTheFailureCount()
    {
        using Logging.TempDirectory dir = new();

        // Fails twice at once, then runs until killed.
        const string Script = """
            n=$(cat "$1" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$1"
            if [ "$n" -ge 3 ]; then echo running; exec sleep 30; fi
            exit 1
            """;
        await using SupervisorHarness harness = new(SupervisorHarness.Sh(Script, dir.Combine("count")));
        harness.Start();

        for (int attempt = 1; attempt <= 2; attempt++)
        {
            (TimeSpan delay, int failures, _) = await harness.Probe.NextRestartAsync();
            Assert.Equal(attempt, failures);
            harness.FakeClock.Advance(delay);
        }

        await harness.Probe.WaitForLineAsync(l => l == "running");
        int pid = harness.Supervisor.ProcessId ?? throw new InvalidOperationException("no process id while running");
        harness.FakeClock.Advance(harness.Supervisor.StableRunTime + TimeSpan.FromSeconds(1));
        ProcessTable.KillQuietly(pid);

        (TimeSpan afterLongRun, int failuresAfter, int restartsAfter) = await harness.Probe.NextRestartAsync();
        Assert.Equal(1, failuresAfter);
        Assert.Equal(2, restartsAfter);
        Assert.InRange(afterLongRun, SupervisorHarness.MinBackoff, 2 * SupervisorHarness.MinBackoff);
        Assert.Equal(137, harness.Supervisor.LastExitCode);
    }

    [Fact]
    public async Task RealClock_SmallBackoff_KeepsRestarting()
    {
        await using SupervisorHarness harness = new(
            SupervisorHarness.Sh("exit 2"),
            clock: TimeProvider.System,
            minBackoff: TimeSpan.FromMilliseconds(5),
            maxBackoff: TimeSpan.FromMilliseconds(20));
        harness.Start();

        int restarts = 0;
        while (restarts < 3)
        {
            (_, _, restarts) = await harness.Probe.NextRestartAsync();
        }

        Assert.True(harness.Supervisor.Restarts >= 3);
        Assert.Equal(2, harness.Supervisor.LastExitCode);
    }
}
