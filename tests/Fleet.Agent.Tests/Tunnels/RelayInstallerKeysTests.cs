using Fleet.Testing.Processes;
using Fleet.Testing.Ssh;

namespace Fleet.Agent.Tests.Tunnels;

/// <summary>
/// infra/relay/install.sh's drop-in and the keys its add-key and remove-key write, in a real sshd (the drop-in's Match
/// block for the test's user, its keys file moved into the sandbox), with the agent's reverse-ssh provider as the Pi.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RelayInstallerKeysTests
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(2);
    private static readonly string Installer = Path.Combine(RepositoryPaths.Root, "infra", "relay", "install.sh");

    [Fact]
    public async Task InstallerKeys_SecondDetectorOnTheFirstDetectorsPort_IsRefused()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var sandbox = await Sandbox.CreateAsync(cts.Token);
        var (portA, portB) = (FreePort.Next(), FreePort.Next());
        await using var rig = await sandbox.StartRigAsync(cts.Token);
        var second = await SshRelay.CreateKeyAsync(sandbox.Root, "pi-2", cts.Token);
        await sandbox.InstallAsync(cts.Token, "add-key", "--detector", "pi-1", "--port", $"{portA}", "--key", rig.Key.PrivateKeyFile + ".pub");
        await sandbox.InstallAsync(cts.Token, "add-key", "--detector", "pi-2", "--port", $"{portB}", "--key", second.PrivateKeyFile + ".pub");

        var first = rig.Run(rig.Settings(portA));
        await ReverseSshRelayTests.WaitForStateAsync(first, "running", rig);
        var intruder = rig.Run(rig.Settings(portA, second));

        await ReverseSshRelayTests.WaitForStateAsync(intruder, "crashed", rig);
        Assert.Contains($"the relay refused to listen on port {portA}", intruder.Current.Provider.Error ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal("still pi-1", await TcpEcho.RoundTripAsync("127.0.0.1", portA, "still pi-1", cts.Token));
        Assert.Equal("running", first.Current.Provider.State);
    }

    [Fact]
    public async Task InstallerRemoveKey_NextConnectionIsRefused_AndThePortCanBeGivenToAnotherDetector()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        await using var sandbox = await Sandbox.CreateAsync(cts.Token);
        var port = FreePort.Next();
        await using var rig = await sandbox.StartRigAsync(cts.Token);
        await sandbox.InstallAsync(cts.Token, "add-key", "--detector", "pi-1", "--port", $"{port}", "--key", rig.Key.PrivateKeyFile + ".pub");
        var decommissioned = rig.Run(rig.Settings(port));
        await ReverseSshRelayTests.WaitForStateAsync(decommissioned, "running", rig);

        await sandbox.InstallAsync(cts.Token, "remove-key", "--detector", "pi-1");

        // On a real relay remove-key ends the session itself; under FLEET_ROOT it only says so, so the test drops it.
        await rig.Relay.KillAsync();
        await rig.Relay.StartAgainAsync(cts.Token);
        await Eventually.TrueAsync(
            () => Task.FromResult(decommissioned.Current.Provider.Error?.Contains("the relay refused the key", StringComparison.Ordinal) == true),
            $"the removed key is refused (now {decommissioned.Current.Provider.State}: {decommissioned.Current.Provider.Error}); ssh.log: {rig.SshLog}");
        Assert.NotEqual("running", decommissioned.Current.Provider.State);
        Assert.Empty(decommissioned.Current.Tunnels);

        var successor = await SshRelay.CreateKeyAsync(sandbox.Root, "pi-9", cts.Token);
        await sandbox.InstallAsync(cts.Token, "add-key", "--detector", "pi-9", "--port", $"{port}", "--key", successor.PrivateKeyFile + ".pub");
        var next = rig.Run(rig.Settings(port, successor));
        await ReverseSshRelayTests.WaitForStateAsync(next, "running", rig);
    }

    /// <summary>A FLEET_ROOT for the installer, set up for the test's own user (the one the test sshd serves).</summary>
    private sealed class Sandbox : IAsyncDisposable
    {
        private Sandbox(string root) => Root = root;

        public string Root { get; }

        private string KeysFile => Path.Combine(Root, "etc", "ssh", "fleet-relay", "authorized_keys");

        public static async Task<Sandbox> CreateAsync(CancellationToken ct)
        {
            var sandbox = new Sandbox(Directory.CreateTempSubdirectory("fleet-relay-root-").FullName);
            await sandbox.InstallAsync(ct, "setup", "--user", Environment.UserName);
            return sandbox;
        }

        public async Task InstallAsync(CancellationToken ct, params string[] arguments)
        {
            var (exitCode, output, error) = await ChildProcess.RunAsync("env", [$"FLEET_ROOT={Root}", "bash", Installer, .. arguments], TimeSpan.FromMinutes(1), ct: ct);
            Assert.True(exitCode == 0, $"install.sh {string.Join(' ', arguments)} exited with {exitCode}: {output} {error}");
        }

        /// <summary>A relay whose configuration ends with the installed drop-in, its keys file moved into the sandbox.</summary>
        public async Task<ReverseSshRig> StartRigAsync(CancellationToken ct)
        {
            var dropIn = await File.ReadAllTextAsync(Path.Combine(Root, "etc", "ssh", "sshd_config.d", "fleet-relay.conf"), ct);
            Assert.Contains($"Match User {Environment.UserName}", dropIn, StringComparison.Ordinal);
            return await ReverseSshRig.StartAsync(KeysFile, dropIn.Replace("/etc/ssh/fleet-relay/authorized_keys", KeysFile, StringComparison.Ordinal), ct);
        }

        public ValueTask DisposeAsync()
        {
            Directory.Delete(Root, recursive: true);
            return ValueTask.CompletedTask;
        }
    }
}
