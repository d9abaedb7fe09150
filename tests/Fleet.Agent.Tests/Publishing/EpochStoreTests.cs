using Fleet.Agent.Publishing;
using Fleet.Agent.Tests.Logging;

namespace Fleet.Agent.Tests.Publishing;

public sealed class EpochStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string StateDirectory => _dir.Combine("var", "lib", "fleet-agent");

    [Fact]
    public void Read_NoFile_IsNull()
    {
        Assert.Null(new EpochStore(StateDirectory).Read());
    }

    [Fact]
    public void Next_Increments_AndSurvivesANewInstance()
    {
        EpochStore store = new(StateDirectory);
        Assert.Equal(1, store.Next());
        Assert.Equal(2, store.Next());

        EpochStore afterRestart = new(StateDirectory);

        Assert.Equal(2, afterRestart.Read());
        Assert.Equal(3, afterRestart.Next());
        Assert.Equal("epoch=3\n", File.ReadAllText(afterRestart.FilePath));
    }

    [Fact]
    public void Constructor_CreatesAPrivateDirectory()
    {
        EpochStore store = new(StateDirectory);
        store.Next();

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(StateDirectory));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.FilePath));
        }
    }

    [Fact]
    public void CrashMidWrite_StrayTempFile_DoesNotCorruptTheEpoch()
    {
        EpochStore store = new(StateDirectory);
        store.EnsureAtLeast(41);

        // What a power cut between creating and renaming the temporary file leaves behind.
        string stray = Path.Combine(StateDirectory, $"epoch.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(stray, "epo");

        EpochStore afterRestart = new(StateDirectory);
        Assert.Equal(41, afterRestart.Read());
        Assert.Equal(42, afterRestart.Next());
        Assert.Equal(42, new EpochStore(StateDirectory).Read());
    }

    [Fact]
    public void Constructor_RemovesOnlyStaleTempFiles()
    {
        Directory.CreateDirectory(StateDirectory);
        string stale = Path.Combine(StateDirectory, "epoch.0123456789abcdef0123456789abcdef.tmp");
        string fresh = Path.Combine(StateDirectory, "epoch.fedcba9876543210fedcba9876543210.tmp");
        File.WriteAllText(stale, "epoch=1");
        File.WriteAllText(fresh, "epoch=1");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddMinutes(-5));

        _ = new EpochStore(StateDirectory);

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));
    }

    [Theory]
    [InlineData("")]
    [InlineData("epoch=")]
    [InlineData("epoch=-3")]
    [InlineData("epoch=12x")]
    [InlineData("{\"epoch\":12}")]
    [InlineData("\0\0\0\0")]
    public void Read_CorruptFile_ThrowsAClearMessage_AndNothingOverwritesIt(string content)
    {
        EpochStore store = new(StateDirectory);
        File.WriteAllText(store.FilePath, content);

        InvalidDataException error = Assert.Throws<InvalidDataException>(() => store.Read());

        Assert.Contains(store.FilePath, error.Message, StringComparison.Ordinal);
        Assert.Contains("corrupt", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => store.Next());
        Assert.Throws<InvalidDataException>(() => store.EnsureAtLeast(7));
        Assert.Equal(content, File.ReadAllText(store.FilePath));
    }

    [Fact]
    public void Read_ToleratesSurroundingWhitespace()
    {
        EpochStore store = new(StateDirectory);
        File.WriteAllText(store.FilePath, "  epoch=17\r\n\n");

        Assert.Equal(17, store.Read());
    }

    [Fact]
    public void SetAsideCorruptFile_KeepsTheEvidence_ThenReadsAsFresh()
    {
        EpochStore store = new(StateDirectory);
        File.WriteAllText(store.FilePath, "garbage");

        string? aside = store.SetAsideCorruptFile();

        Assert.NotNull(aside);
        Assert.Equal("garbage", File.ReadAllText(aside));
        Assert.Null(store.Read());
        Assert.Equal(1, store.Next());
    }

    [Fact]
    public void SetAsideCorruptFile_ValidOrMissingFile_IsLeftAlone()
    {
        EpochStore store = new(StateDirectory);
        Assert.Null(store.SetAsideCorruptFile());

        store.EnsureAtLeast(9);

        Assert.Null(store.SetAsideCorruptFile());
        Assert.Equal(9, store.Read());
    }

    [Fact]
    public void EnsureAtLeast_RaisesALowerOrMissingEpoch_AndNeverLowersIt()
    {
        EpochStore store = new(StateDirectory);

        store.EnsureAtLeast(12);
        Assert.Equal(12, store.Read());

        store.EnsureAtLeast(5);
        Assert.Equal(12, store.Read());

        Assert.Equal(13, store.Next());
        Assert.Throws<ArgumentOutOfRangeException>(() => store.EnsureAtLeast(-1));
    }

    [Fact]
    public async Task Next_FromTwoInstancesAtOnce_NeverCorruptsTheFile()
    {
        EpochStore first = new(StateDirectory);
        EpochStore second = new(StateDirectory);

        long[][] results = await Task.WhenAll(
            Task.Run(() => Enumerable.Range(0, 100).Select(_ => first.Next()).ToArray()),
            Task.Run(() => Enumerable.Range(0, 100).Select(_ => second.Next()).ToArray()));

        Assert.Equal(200, new EpochStore(StateDirectory).Read());
        Assert.Equal(200, results.SelectMany(r => r).Distinct().Count());
        Assert.Empty(Directory.EnumerateFiles(StateDirectory, "*.tmp"));
    }
}
