using System.Globalization;
using System.Text;

using Fleet.Agent.Logging;

using Microsoft.Extensions.Time.Testing;

namespace Fleet.Agent.Tests.Logging;

public sealed class RotatingLogFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void WriteLine_PrefixesAnIsoUtcTimestamp()
    {
        FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 28, 11, 0, 0, 123, TimeSpan.FromHours(1)));
        string path = _dir.Combine("ngrok.log");
        using (RotatingLogFile log = new(path, clock: clock))
        {
            log.WriteLine("started tunnel");
        }

        Assert.Equal("2026-11-28T10:00:00.123Z started tunnel\n", File.ReadAllText(path));
    }

    [Fact]
    public void WriteLine_Secrets_NeverReachTheFile()
    {
        string path = _dir.Combine("ngrok.log");
        using (RotatingLogFile log = new(path, secrets: ["2ab-AUTHTOKEN", "", "mqtt-pass"]))
        {
            log.WriteLine("authtoken: 2ab-AUTHTOKEN");
            log.WriteLine("login mqtt-pass failed; token 2ab-AUTHTOKEN");
        }

        string text = File.ReadAllText(path);
        Assert.DoesNotContain("AUTHTOKEN", text, StringComparison.Ordinal);
        Assert.DoesNotContain("mqtt-pass", text, StringComparison.Ordinal);
        Assert.Contains("authtoken: ***", text, StringComparison.Ordinal);
        Assert.Contains("login *** failed; token ***", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_MissingDirectory_IsCreated()
    {
        string path = _dir.Combine("var", "log", "fleet-agent", "ngrok.log");
        using RotatingLogFile log = new(path);

        log.WriteLine("hello");

        Assert.True(File.Exists(path));
    }

    [Fact]
    public void WriteLine_IsFlushedBeforeItReturns()
    {
        string path = _dir.Combine("ngrok.log");
        using RotatingLogFile log = new(path);

        log.WriteLine("first");

        Assert.EndsWith(" first\n", ReadShared(path), StringComparison.Ordinal);
    }

    [Fact]
    public void WriteLine_LineBreaks_StayInOneEntry()
    {
        string path = _dir.Combine("ngrok.log");
        using (RotatingLogFile log = new(path))
        {
            log.WriteLine("one\r\ntwo\nthree");
        }

        string[] lines = File.ReadAllLines(path);
        Assert.Single(lines);
        Assert.EndsWith(" one two three", lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void WriteLine_PastMaxBytes_RotatesAndKeepsOnlyKeepFiles()
    {
        string path = _dir.Combine("ngrok.log");
        using (RotatingLogFile log = new(path, maxBytes: 200, keepFiles: 2))
        {
            for (int i = 0; i < 40; i++)
            {
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"line {i:D3}"));
            }
        }

        Assert.True(File.Exists(path + ".1"));
        Assert.True(File.Exists(path + ".2"));
        Assert.False(File.Exists(path + ".3"));
        string[] files = [path + ".2", path + ".1", path];
        Assert.All(files, f => Assert.InRange(new FileInfo(f).Length, 1, 200));

        // Oldest to newest, the kept lines are consecutive and end with the last one written.
        int[] numbers = [.. files.SelectMany(File.ReadAllLines).Select(l => int.Parse(l[^3..], CultureInfo.InvariantCulture))];
        Assert.Equal(39, numbers[^1]);
        Assert.Equal(Enumerable.Range(numbers[0], numbers.Length), numbers);
    }

    [Fact]
    public void WriteLine_KeepZero_StartsTheFileOver()
    {
        string path = _dir.Combine("ngrok.log");
        using (RotatingLogFile log = new(path, maxBytes: 100, keepFiles: 0))
        {
            for (int i = 0; i < 20; i++)
            {
                log.WriteLine("some output line");
            }
        }

        Assert.InRange(new FileInfo(path).Length, 1, 100);
        Assert.False(File.Exists(path + ".1"));
    }

    [Fact]
    public void Constructor_ExistingFile_IsAppendedAndCountsTowardsTheLimit()
    {
        string path = _dir.Combine("ngrok.log");
        File.WriteAllText(path, new string('x', 90) + "\n");
        using (RotatingLogFile log = new(path, maxBytes: 100, keepFiles: 1))
        {
            log.WriteLine("next");
        }

        Assert.Equal(91, new FileInfo(path + ".1").Length);
        Assert.EndsWith(" next\n", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteLine_FromManyThreads_KeepsEveryLineWhole()
    {
        string path = _dir.Combine("ngrok.log");
        using (RotatingLogFile log = new(path))
        {
            await Task.WhenAll(Enumerable.Range(0, 4).Select(writer => Task.Run(() =>
            {
                for (int i = 0; i < 100; i++)
                {
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"writer {writer} line {i} {new string('y', 50)}"));
                }
            })));
        }

        string[] lines = File.ReadAllLines(path);
        Assert.Equal(400, lines.Length);
        Assert.All(lines, l => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z writer \d line \d+ y{50}$", l));
    }

    [Fact]
    public void WriteLine_AfterDispose_Throws()
    {
        RotatingLogFile log = new(_dir.Combine("ngrok.log"));
        log.Dispose();

        Assert.Throws<ObjectDisposedException>(() => log.WriteLine("late"));
    }

    private static string ReadShared(string path)
    {
        using FileStream stream = new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using StreamReader reader = new(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
