using Fleet.Agent.Processes;

namespace Fleet.Agent.Tests.Processes;

public sealed class ProcessSupervisorOutputTests
{
    [Fact]
    public async Task Lines_FromStdoutAndStderr_ReachTheLogAndTheCallback_BeforeTheExit()
    {
        await using SupervisorHarness harness = new(SupervisorHarness.Sh("echo out-line; echo err-line >&2; exit 0"));
        List<string> lines = [];
        harness.Supervisor.LineReceived += lines.Add;
        harness.Start();

        await harness.Probe.NextRestartAsync();

        // Read after the crash was reported: the exit waits for the output readers.
        Assert.Equal(["err-line", "out-line"], lines.Order(StringComparer.Ordinal));
        string log = harness.ReadLog();
        Assert.Matches(@"(?m)^\d{4}-\d\d-\d\dT[\d:.]+Z out-line$", log);
        Assert.Matches(@"(?m)^\d{4}-\d\d-\d\dT[\d:.]+Z err-line$", log);
        Assert.Equal(0, harness.Supervisor.LastExitCode);
    }

    [Fact]
    public async Task Secrets_AreMaskedInTheLogAndTheJournal_ButRawInTheCallback()
    {
        const string Secret = "2aBcD-authtoken-xyz";
        await using SupervisorHarness harness = new(
            SupervisorHarness.Sh("echo \"authtoken: $1\"; echo \"bad token $1\" >&2; exit 1", Secret),
            secrets: [Secret]);
        harness.Start();

        string raw = await harness.Probe.WaitForLineAsync(l => l.StartsWith("authtoken:", StringComparison.Ordinal));
        await harness.Probe.NextRestartAsync();

        Assert.Equal($"authtoken: {Secret}", raw);
        string log = harness.ReadLog();
        Assert.DoesNotContain(Secret, log, StringComparison.Ordinal);
        Assert.Contains("authtoken: ***", log, StringComparison.Ordinal);
        Assert.Contains("bad token ***", log, StringComparison.Ordinal);

        // The command line (which carries the secret as $1 here) is masked in the journal too.
        Assert.Contains(harness.Logger.Lines, m => m.Contains("started with pid", StringComparison.Ordinal) && m.Contains("***", StringComparison.Ordinal));
        Assert.DoesNotContain(harness.Logger.Lines, m => m.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Exit_WhileAGrandchildHoldsThePipe_IsStillReported()
    {
        await using SupervisorHarness harness = new(
            SupervisorHarness.Sh("sleep 300 & echo \"child $!\"; exit 4"),
            outputDrainTimeout: TimeSpan.FromMilliseconds(200));
        harness.Start();
        string line = await harness.Probe.WaitForLineAsync(l => l.StartsWith("child ", StringComparison.Ordinal));
        int child = SupervisorProbe.ParseInt(line["child ".Length..]);
        try
        {
            await harness.Probe.NextRestartAsync();

            Assert.Equal(4, harness.Supervisor.LastExitCode);
            Assert.Contains(harness.Logger.Lines, m => m.Contains("still open", StringComparison.Ordinal));
        }
        finally
        {
            ProcessTable.KillQuietly(child);
        }
    }

    [Fact]
    public async Task ThrowingHandlers_DoNotStopTheReadersOrTheRestarts()
    {
        await using SupervisorHarness harness = new(SupervisorHarness.Sh("echo one; echo two; exit 1"));
        harness.Supervisor.LineReceived += _ => throw new InvalidOperationException("subscriber bug");
        harness.Supervisor.StateChanged += _ => throw new InvalidOperationException("subscriber bug");
        harness.Start();

        (TimeSpan delay, _, _) = await harness.Probe.NextRestartAsync();
        harness.FakeClock.Advance(delay);
        await harness.Probe.NextRestartAsync();

        string log = harness.ReadLog();
        Assert.Contains(" one\n", log, StringComparison.Ordinal);
        Assert.Contains(" two\n", log, StringComparison.Ordinal);
        Assert.Equal(1, harness.Supervisor.Restarts);
        Assert.Contains(harness.Logger.Lines, m => m.Contains("a LineReceived handler threw", StringComparison.Ordinal));
    }
}
