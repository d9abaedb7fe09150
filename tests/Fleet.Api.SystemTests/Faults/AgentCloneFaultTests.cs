using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Fleet.Api.SystemTests.EndToEnd;
using Fleet.Api.SystemTests.Faults.Support;
using Fleet.Domain.Messages;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Faults;

/// <summary>
/// Issue 7, fault 11: two Pis run with the same identity (an SD card cloned after the first one ran). Each connection
/// takes the other's session over; both agents notice and back off (capped, jittered) instead of fighting, warn about
/// the clone, and report it in agent.takeovers; the API counts and logs the conflict; the row is written at a bounded
/// rate; once the clone is gone the survivor's state is shown.
/// </summary>
[Collection(AgentFaultGroup.Name)]
[Trait("Category", "Fault")]
[Trait("Suite", "Long")]
public sealed partial class AgentCloneFaultTests(AgentFaultDeployment stack, ITestOutputHelper output)
{
    [Fact]
    public async Task TwoAgentsWithOneIdentity_BothBackOff_ApiReportsTheConflict_RowDoesNotThrash()
    {
        var original = await stack.ProvisionAsync("clone");
        AgentProcess? first = stack.StaticAgent(original, "https://203.0.113.21:8443");
        AgentProcess? second = null;
        first.Start();
        await AgentOutput.OnFailureAsync(output, () => CloneAsync(original, first, s => second = s), () => first, () => second);
        await first.DisposeAsync();
        if (second is not null)
        {
            await second.DisposeAsync();
        }
    }

    private async Task CloneAsync(DetectorSetup original, AgentProcess first, Action<AgentProcess> started)
    {
        await stack.WaitForDetectorAsync(original.Id, v => v.Status == Presence.Online && v.Tunnels.Count == 1, "the original online");

        // The clone: the same card image (password file, state directory with its epoch), another Pi, another address.
        var cloneDirectory = Directory.CreateTempSubdirectory($"fleet-fault-{original.Id}-clone-").FullName;
        var clone = original with { WorkDirectory = cloneDirectory, PasswordFile = Path.Combine(cloneDirectory, "mqtt-password") };
        File.Copy(original.PasswordFile, clone.PasswordFile);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(clone.PasswordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        Directory.CreateDirectory(clone.StateDirectory);
        foreach (var file in Directory.EnumerateFiles(original.StateDirectory))
        {
            File.Copy(file, Path.Combine(clone.StateDirectory, Path.GetFileName(file)));
        }

        var conflictsBefore = stack.IdentityConflicts;
        var writesBefore = stack.AppliedWrites;
        var window = FaultDurations.Pick(full: TimeSpan.FromMinutes(2), quick: TimeSpan.FromSeconds(20));
        var second = stack.StaticAgent(clone, "https://203.0.113.22:8443");
        started(second);
        second.Start();
        var clock = Stopwatch.StartNew();
        output.WriteLine($"injected: a clone of the card (same identity, same epoch file) started on a second 'Pi'; watching {window.TotalSeconds:0} s (takeover backoff 0.5 s .. {AgentFaultTimings.TakeoverMaxDelay.TotalSeconds} s)");

        await Task.Delay(window / 2);
        var writesHalf = stack.AppliedWrites;
        await Task.Delay(window / 2);
        var writesEnd = stack.AppliedWrites;
        var firstWaits = Waits(first.Output);
        var secondWaits = Waits(second.Output);
        var conflicts = stack.IdentityConflicts - conflictsBefore;
        var events = (await stack.HistoryAsync(original.Id)).GroupBy(e => e.Type).Select(g => $"{g.Key} {g.Count()}");
        var firstHalfRate = (writesHalf - writesBefore) / (window / 2).TotalSeconds;
        var secondHalfRate = (writesEnd - writesHalf) / (window / 2).TotalSeconds;
        output.WriteLine($"observed: original backed off {firstWaits.Count} times [{string.Join(" ", firstWaits.Select(Seconds))}], clone {secondWaits.Count} times [{string.Join(" ", secondWaits.Select(Seconds))}]");
        output.WriteLine($"observed: row writes {writesEnd - writesBefore} in {window.TotalSeconds:0} s ({firstHalfRate:0.00}/s in the first half, {secondHalfRate:0.00}/s in the second); API identity conflicts reported {conflicts}; events: {string.Join(", ", events)}");

        second.Terminate();
        await second.WaitForExitAsync(TimeSpan.FromSeconds(30));
        var gone = clock.Elapsed;
        var (accepted, view) = await AgentAcceptedState.ConvergedAsync(stack, original, (2 * AgentFaultTimings.TakeoverMaxDelay) + TimeSpan.FromSeconds(15), output);
        var survivor = await stack.WaitForDetectorAsync(original.Id, v => v.Status == Presence.Online && v.Epoch == accepted.Epoch, "the survivor online");
        output.WriteLine($"injected: the clone stopped (SIGTERM); observed {(clock.Elapsed - gone).TotalSeconds:0.0} s later: {AgentAcceptedState.Describe(survivor)}");

        Assert.NotEmpty(firstWaits);
        Assert.NotEmpty(secondWaits);
        Assert.All(firstWaits.Concat(secondWaits), w => Assert.True(w <= AgentFaultTimings.TakeoverMaxDelay, $"wait {w} above the cap"));
        Assert.Contains(firstWaits.Concat(secondWaits), w => w > TimeSpan.FromSeconds(1));
        Assert.True(conflicts >= 1, "the API counted the conflict");

        // Reconnecting at once, each clone would take the session back every ping interval (0.5 s): several writes a
        // second. Backing off, the second half of the window stays well below that.
        Assert.True(secondHalfRate <= 2.0, $"{secondHalfRate:0.00} row writes/s in the second half");
        Assert.Equal("https://203.0.113.21:8443", survivor.Tunnels.Single().Url);
    }

    private static List<TimeSpan> Waits(string agentOutput) =>
        [.. TakeoverLine().Matches(agentOutput).Select(m => TimeSpan.Parse(m.Groups["delay"].Value, CultureInfo.InvariantCulture))];

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"took the MQTT session of .*Reconnecting in (?<delay>[0-9:.]+)")]
    private static partial Regex TakeoverLine();
}
