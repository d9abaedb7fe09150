using Fleet.Agent.Publishing;
using Fleet.Agent.Tests.Logging;
using Fleet.Domain.Validation;

namespace Fleet.Agent.Tests.Publishing;

/// <summary>The incarnation id next to the epoch: one per state directory, kept across restarts, new on a new card.</summary>
public sealed class EpochStoreInstanceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string StateDirectory => _dir.Combine("var", "lib", "fleet-agent");

    [Fact]
    public void Instance_NewDirectory_IsCreatedOnce_WellFormed_AndPersisted()
    {
        EpochStore store = new(StateDirectory);

        Assert.Null(InstanceIds.Validate(store.Instance));
        Assert.Equal(22, store.Instance.Length);
        Assert.Equal($"instance={store.Instance}\n", File.ReadAllText(store.InstancePath));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.InstancePath));
        }
    }

    [Fact]
    public void Instance_AfterRestart_IsTheSame_AndTheEpochGoesOn()
    {
        EpochStore store = new(StateDirectory);
        store.Next();

        EpochStore afterRestart = new(StateDirectory);

        Assert.Equal(store.Instance, afterRestart.Instance);
        Assert.Equal(2, afterRestart.Next());
    }

    [Fact]
    public void Instance_ReflashedCard_IsNew()
    {
        string first = new EpochStore(StateDirectory).Instance;
        Directory.Delete(StateDirectory, recursive: true);

        string second = new EpochStore(StateDirectory).Instance;

        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Instance_OtherDirectories_Differ() =>
        Assert.NotEqual(new EpochStore(StateDirectory).Instance, new EpochStore(_dir.Combine("other")).Instance);

    [Fact]
    public void Instance_UpgradeFromAnAgentWithoutIt_KeepsTheEpochAndAddsAnId()
    {
        Directory.CreateDirectory(StateDirectory);
        File.WriteAllText(Path.Combine(StateDirectory, EpochStore.FileName), "epoch=41\n");

        EpochStore store = new(StateDirectory);

        Assert.Equal(41, store.Read());
        Assert.True(File.Exists(store.InstancePath));
        Assert.Equal(store.Instance, new EpochStore(StateDirectory).Instance);
    }

    [Theory]
    [InlineData("")]
    [InlineData("instance=")]
    [InlineData("instance=has space")]
    [InlineData("garbage")]
    public void Instance_UnreadableFile_IsReplacedByANewId(string content)
    {
        Directory.CreateDirectory(StateDirectory);
        File.WriteAllText(Path.Combine(StateDirectory, EpochStore.InstanceFileName), content);

        EpochStore store = new(StateDirectory);

        Assert.Null(InstanceIds.Validate(store.Instance));
        Assert.Equal($"instance={store.Instance}\n", File.ReadAllText(store.InstancePath));
    }
}
