using Fleet.Agent.Processes;

namespace Fleet.Agent.Tests.Processes;

public sealed class ProcessSupervisorStopTests
{
    [Fact]
    public async Task Stop_KillsTheProcess_AndEndsStopped()
    {
        await using SupervisorHarness harness = new(new ProcessSpec("sleep", ["30"]));
        harness.Start();
        await harness.Probe.WaitForStateAsync(SupervisedState.Running);
        int pid = harness.Supervisor.ProcessId ?? throw new InvalidOperationException("no process id while running");

        await harness.Supervisor.StopAsync();

        Assert.True(harness.Run.IsCompletedSuccessfully);
        Assert.Equal(SupervisedState.Stopped, harness.Supervisor.State);
        Assert.Null(harness.Supervisor.ProcessId);
        Assert.Equal(0, harness.Supervisor.Restarts);
        Assert.True(await ProcessTable.IsGoneSoonAsync(pid), $"pid {pid} still runs");
        Assert.Equal([SupervisedState.Starting, SupervisedState.Running, SupervisedState.Stopped], harness.Probe.History);
    }

    [Fact]
    public async Task Stop_KillsTheWholeTree()
    {
        await using SupervisorHarness harness = new(SupervisorHarness.Sh("sleep 300 & echo \"child $!\"; wait"));
        harness.Start();
        string line = await harness.Probe.WaitForLineAsync(l => l.StartsWith("child ", StringComparison.Ordinal));
        int child = SupervisorProbe.ParseInt(line["child ".Length..]);
        int shell = harness.Supervisor.ProcessId ?? throw new InvalidOperationException("no process id while running");
        try
        {
            Assert.True(ProcessTable.IsAlive(child));

            await harness.Supervisor.StopAsync();

            Assert.True(await ProcessTable.IsGoneSoonAsync(shell), $"shell {shell} still runs");
            Assert.True(await ProcessTable.IsGoneSoonAsync(child), $"grandchild {child} still runs");
        }
        finally
        {
            ProcessTable.KillQuietly(child);
        }
    }

    [Fact]
    public async Task Cancellation_KillsTheTree_AndRunReturnsNormally()
    {
        using CancellationTokenSource cts = new();
        await using SupervisorHarness harness = new(SupervisorHarness.Sh("sleep 300 & echo \"child $!\"; wait"));
        harness.Start(cts.Token);
        string line = await harness.Probe.WaitForLineAsync(l => l.StartsWith("child ", StringComparison.Ordinal));
        int child = SupervisorProbe.ParseInt(line["child ".Length..]);
        try
        {
            await cts.CancelAsync();
            await harness.Run.WaitAsync(SupervisorProbe.Patience);

            Assert.Equal(SupervisedState.Stopped, harness.Supervisor.State);
            Assert.True(await ProcessTable.IsGoneSoonAsync(child), $"grandchild {child} still runs");
            Assert.Contains("stopped pid", harness.ReadLog(), StringComparison.Ordinal);
        }
        finally
        {
            ProcessTable.KillQuietly(child);
        }
    }

    [Fact]
    public async Task Stop_DuringBackoff_EndsAtOnce()
    {
        await using SupervisorHarness harness = new(SupervisorHarness.Sh("exit 1"));
        harness.Start();
        await harness.Probe.NextRestartAsync();

        // The fake clock is never advanced, so only the stop can end the wait.
        await harness.Supervisor.StopAsync();

        Assert.True(harness.Run.IsCompletedSuccessfully);
        Assert.Equal(SupervisedState.Stopped, harness.Supervisor.State);
        Assert.Equal(0, harness.Supervisor.Restarts);
    }

    [Fact]
    public async Task StopBeforeRun_RunReturnsAtOnceWithoutStarting()
    {
        await using SupervisorHarness harness = new(new ProcessSpec("sleep", ["30"]));
        await harness.Supervisor.StopAsync();

        harness.Start();
        await harness.Run.WaitAsync(SupervisorProbe.Patience);

        Assert.Empty(harness.Probe.History);
        Assert.Equal(SupervisedState.Stopped, harness.Supervisor.State);
    }

    [Fact]
    public async Task RunTwice_Throws()
    {
        await using SupervisorHarness harness = new(new ProcessSpec("sleep", ["30"]));
        harness.Start();

        // Thrown by the call itself, not by the task it would return.
        Assert.Throws<InvalidOperationException>(() => { _ = harness.Supervisor.RunAsync(CancellationToken.None); });
    }
}
