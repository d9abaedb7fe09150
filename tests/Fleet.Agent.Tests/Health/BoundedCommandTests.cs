using System.Globalization;
using Fleet.Agent.Health;
using Fleet.Agent.Tests.Processes;
using Fleet.Domain.Messages;

namespace Fleet.Agent.Tests.Health;

/// <summary>A check command bounded in time and bytes, with real processes: hanging, flooding, printing control characters.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class BoundedCommandTests : IDisposable
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 20, 0, 0, TimeSpan.Zero);
    private readonly Scripts _scripts = new();
    private readonly CancellationTokenSource _bound = new(TimeSpan.FromSeconds(60));

    public void Dispose()
    {
        _bound.Dispose();
        _scripts.Dispose();
    }

    [Fact]
    public async Task Run_CommandHangs_KilledWithItsChildAtTheTimeoutAsTimedOutFail()
    {
        var script = _scripts.Write("hang", $"""
            sleep 600 &
            echo $! > {_scripts.Path("child")}
            echo $$ > {_scripts.Path("self")}
            echo still working
            wait
            """);

        var run = await BoundedCommand.RunAsync([script], TimeSpan.FromSeconds(1), TimeProvider.System, _bound.Token);
        var result = CheckOutput.Interpret("daq", run, At);

        Assert.True(run.TimedOut);
        Assert.Equal((HealthOutcomes.Fail, "timed out"), (result.Outcome, result.Text));
        Assert.True(await ProcessTable.IsGoneSoonAsync(Pid("self")), "the check itself is gone");
        Assert.True(await ProcessTable.IsGoneSoonAsync(Pid("child")), "its child is gone too");
    }

    [Fact]
    public async Task Run_CommandPrintsOneMegabyte_KeepsTheBoundedStartAndATruncatedText()
    {
        var script = _scripts.Write("flood", "head -c 1048576 /dev/zero | tr '\\0' 'x'; echo; head -c 1048576 /dev/zero >&2; exit 1");

        var run = await BoundedCommand.RunAsync([script], TimeSpan.FromSeconds(30), TimeProvider.System, _bound.Token);
        var result = CheckOutput.Interpret("flood", run, At);

        Assert.False(run.TimedOut);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal(BoundedCommand.MaxOutputBytes, run.FirstLine!.Length);
        Assert.Equal(HealthOutcomes.Warn, result.Outcome);
        Assert.Equal(new string('x', HealthOutcomes.MaxTextLength), result.Text);
    }

    [Fact]
    public async Task Run_CommandPrintsControlCharacters_TextSanitisedAndNumberRead()
    {
        var script = _scripts.Write("colours", "printf 'WARN \\033[31mdata\\033[0m is\\told\\a\\b \\342\\200\\256gnp 42.5\\nsecond line\\n'");

        var run = await BoundedCommand.RunAsync([script], TimeSpan.FromSeconds(30), TimeProvider.System, _bound.Token);
        var result = CheckOutput.Interpret("age", run, At);

        Assert.Equal(HealthOutcomes.Warn, result.Outcome);
        Assert.Equal("[31mdata[0m is old gnp", result.Text);
        Assert.Equal(42.5, result.Value);
    }

    [Fact]
    public async Task Run_ProgramMissing_FailWithTheReason()
    {
        var run = await BoundedCommand.RunAsync([_scripts.Path("no-such-check")], TimeSpan.FromSeconds(5), TimeProvider.System, _bound.Token);
        var result = CheckOutput.Interpret("missing", run, At);

        Assert.Equal(HealthOutcomes.Fail, result.Outcome);
        Assert.StartsWith("cannot start", result.Text, StringComparison.Ordinal);
    }

    private int Pid(string file) => int.Parse(File.ReadAllText(_scripts.Path(file)).Trim(), CultureInfo.InvariantCulture);
}
