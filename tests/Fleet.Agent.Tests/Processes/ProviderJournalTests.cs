using Fleet.Agent.Configuration;
using Fleet.Agent.Processes;

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Fleet.Agent.Tests.Processes;

/// <summary>Agent:ProviderLog: provider output copied to the agent's log (the journal), masked as in the file, rate-limited.</summary>
public sealed class ProviderJournalTests
{
    [Fact]
    public async Task OutputLines_WithTheJournalOn_ReachTheAgentLogMaskedExactlyAsInTheFile()
    {
        const string Secret = "2aBcD-authtoken-xyz";
        await using SupervisorHarness harness = new(
            SupervisorHarness.Sh("echo \"authtoken: $1\"; echo \"bad token $1\" >&2; exit 1", Secret),
            secrets: [Secret],
            journal: new ProviderLogSettings());
        harness.Start();

        await harness.Probe.NextRestartAsync();

        string[] copied = [.. harness.Logger.Lines.Where(l => l.StartsWith("Information ", StringComparison.Ordinal) && l.Contains(": test-process: ", StringComparison.Ordinal))];
        string[] inFile = [.. harness.ReadLog().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[(l.IndexOf(' ', StringComparison.Ordinal) + 1)..]).Where(l => !l.StartsWith("[fleet-agent]", StringComparison.Ordinal))];
        Assert.Equal(["authtoken: ***", "bad token ***"], inFile.Order(StringComparer.Ordinal));
        foreach (string line in inFile)
        {
            Assert.Contains(copied, l => l.Contains($": test-process: {line} [", StringComparison.Ordinal));
        }

        Assert.DoesNotContain(harness.Logger.Lines, l => l.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task OutputLines_WithTheJournalOff_StayInTheFileOnly()
    {
        await using SupervisorHarness harness = new(
            SupervisorHarness.Sh("printf 'only-in-%s\\n' the-file; exit 1"),
            journal: new ProviderLogSettings { Journal = false });
        harness.Start();

        await harness.Probe.NextRestartAsync();

        // The line is made by printf, so that the command line, which the journal does show, does not contain it.
        Assert.Contains("only-in-the-file", harness.ReadLog(), StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Logger.Lines, l => l.Contains("only-in-the-file", StringComparison.Ordinal));
    }

    [Fact]
    public void ChattyProvider_BeyondMaxLines_IsHeldBackAndTheCountIsLoggedWhenTheWindowEnds()
    {
        var clock = new FakeTimeProvider();
        var logs = new CapturingLoggerProvider();
        var journal = new ProviderJournal(
            "ngrok", "/var/log/fleet-agent/ngrok.log", new ProviderLogSettings { MaxLines = 3, Per = TimeSpan.FromMinutes(1) }, clock, logs.CreateLogger("agent"));

        for (int i = 1; i <= 10; i++)
        {
            journal.Write($"line {i}");
        }

        Assert.Equal(["line 1", "line 2", "line 3"], Copied(logs));
        Assert.DoesNotContain(logs.Lines, l => l.StartsWith("Warning ", StringComparison.Ordinal));

        clock.Advance(TimeSpan.FromMinutes(1));
        journal.Write("line 11");

        Assert.Contains(logs.Lines, l => l.StartsWith("Warning agent: ngrok: 7 output lines not copied to the journal (at most 3 per 00:01:00); all are in /var/log/fleet-agent/ngrok.log", StringComparison.Ordinal));
        Assert.Equal(["line 1", "line 2", "line 3", "line 11"], Copied(logs));
    }

    [Fact]
    public void Flush_AfterLinesWereHeldBack_SaysSoOnce()
    {
        var logs = new CapturingLoggerProvider();
        var journal = new ProviderJournal("ssh", "ssh.log", new ProviderLogSettings { MaxLines = 1 }, new FakeTimeProvider(), logs.CreateLogger("agent"));
        journal.Write("kept");
        journal.Write("held");

        journal.Flush();
        journal.Flush();

        Assert.Single(logs.Lines, l => l.Contains("1 output lines not copied", StringComparison.Ordinal));
    }

    [Fact]
    public void Level_Debug_CopiesAtDebug()
    {
        var logs = new CapturingLoggerProvider();
        var journal = new ProviderJournal("cloudflared", "cloudflared.log", new ProviderLogSettings { Level = LogLevel.Debug }, new FakeTimeProvider(), logs.CreateLogger("agent"));

        journal.Write("a line");

        Assert.Single(logs.Lines, l => l.StartsWith("Debug agent: cloudflared: a line", StringComparison.Ordinal));
    }

    [Fact]
    public void Settings_BoundFromConfiguration_AreValidatedNamingTheKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Agent:ProviderLog:Journal"] = "true",
            ["Agent:ProviderLog:Level"] = "Debug",
            ["Agent:ProviderLog:MaxLines"] = "20",
            ["Agent:ProviderLog:Per"] = "00:00:30",
        }).Build();
        var bound = configuration.GetSection("Agent:ProviderLog").Get<ProviderLogSettings>()!;
        Assert.Equal((true, LogLevel.Debug, 20, TimeSpan.FromSeconds(30)), (bound.Journal, bound.Level, bound.MaxLines, bound.Per));

        List<string> errors = [];
        ProviderLogSettingsValidator.Validate(bound, errors);
        Assert.Empty(errors);

        ProviderLogSettingsValidator.Validate(new ProviderLogSettings { Level = LogLevel.Warning, MaxLines = 0, Per = TimeSpan.Zero }, errors);
        Assert.Contains(errors, e => e.StartsWith("Agent:ProviderLog:Level must be Debug or Information", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Agent:ProviderLog:MaxLines", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("Agent:ProviderLog:Per", StringComparison.Ordinal));
    }

    private static string[] Copied(CapturingLoggerProvider logs) =>
        [.. logs.Lines.Where(l => l.StartsWith("Information agent: ngrok: line", StringComparison.Ordinal)).Select(l => l["Information agent: ngrok: ".Length..l.IndexOf(" [", StringComparison.Ordinal)])];
}
