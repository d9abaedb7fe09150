using Fleet.Agent.Health;
using Fleet.Domain.Messages;

namespace Fleet.Agent.Tests.Health;

/// <summary>How a check command's exit code and first line become its outcome, text and number.</summary>
public sealed class CheckOutputTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 20, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(0, null, "ok", null, null)]
    [InlineData(1, null, "warn", "exit code 1", null)]
    [InlineData(2, null, "fail", "exit code 2", null)]
    [InlineData(0, "acquisition running", "ok", "acquisition running", null)]
    [InlineData(0, "OK newest file 12 s old 12", "ok", "newest file 12 s old", 12.0)]
    [InlineData(0, "warn disk 91.5", "warn", "disk", 91.5)]
    [InlineData(0, "FAIL daq stopped", "fail", "daq stopped", null)]
    [InlineData(1, "OK all fine", "warn", "all fine", null)]
    [InlineData(3, "OK all fine", "fail", "all fine", null)]
    [InlineData(0, "OK 7", "ok", null, 7.0)]
    [InlineData(0, "OKAY 7", "ok", "OKAY 7", null)]
    public void Interpret_ExitAndFirstLine_WorseOfBoth(int exit, string? line, string outcome, string? text, double? value)
    {
        var result = CheckOutput.Interpret("c", new CommandRun(exit, line), At);

        Assert.Equal((outcome, text, value), (result.Outcome, result.Text, result.Value));
    }
}
