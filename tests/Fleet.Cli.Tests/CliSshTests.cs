using System.Globalization;
using Fleet.Testing.Ssh;

namespace Fleet.Cli.Tests;

/// <summary>
/// Issue 17's Done-when: <c>fleet ssh ID</c> reaches a real OpenSSH sshd (Debian's openssh-server, started on loopback)
/// through the tcp URL the API lists now, and again after that URL moved to another port (the old one closed); and
/// <c>fleet proxy</c> works as the system ssh's ProxyCommand for <c>ID.fleet</c>. The tunnel host is a .test name that
/// never resolves: ssh is pointed at loopback with its own HostName option, the proxy with --resolve. Host keys are
/// checked strictly, and known only under the detector's stable name <c>ID.fleet</c>: whatever port the tunnel has.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CliSshTests(CliApiFixture fixture) : IClassFixture<CliApiFixture>
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(2);

    private CliApi Api => fixture.Api;

    [Fact]
    public async Task Ssh_CurrentTcpUrl_ReachesSshd_AndAgainAfterTheUrlMovedToAnotherPort()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var work = Directory.CreateTempSubdirectory("fleet-cli-ssh-").FullName;
        await using var sshd = await SshRelay.StartAsync(ct: ct);
        var key = await SshRelay.CreateKeyAsync(work, "operator", ct);
        await sshd.AuthorizeAsync(key, "restrict", ct);
        var id = Messages.NewId("pi");
        var knownHosts = await KnownHostsAsync(work, id, sshd, ct);

        // First the detector's ssh tunnel is a forwarder's port (as ngrok's port today), then sshd's own (tomorrow's).
        var forwarder = TcpFaultProxy.Start(sshd.Host, sshd.Port);
        await Api.PublishAsync(id, 1, ("ssh", Url(forwarder.Port)));
        var before = await Api.Cli.RunAsync(["ssh", id, .. SshOptions(sshd, key, knownHosts), "--", "echo", "before"], ct);
        await Api.PublishAsync(id, 2, ("ssh", Url(sshd.Port)));
        await forwarder.DisposeAsync();
        var after = await Api.Cli.RunAsync(["ssh", id, .. SshOptions(sshd, key, knownHosts), "--", "echo", "after"], ct);

        Assert.True(before.ExitCode == 0, $"{before}\nsshd: {sshd.Output}");
        Assert.Equal("before", before.Output.Trim());
        Assert.True(after.ExitCode == 0, $"{after}\nsshd: {sshd.Output}");
        Assert.Equal("after", after.Output.Trim());
        Directory.Delete(work, recursive: true);
    }

    [Fact]
    public async Task Proxy_AsSystemSshProxyCommandForIdDotFleet_ReachesSshd()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var work = Directory.CreateTempSubdirectory("fleet-cli-proxy-").FullName;
        await using var sshd = await SshRelay.StartAsync(ct: ct);
        var key = await SshRelay.CreateKeyAsync(work, "operator", ct);
        await sshd.AuthorizeAsync(key, "restrict", ct);
        var id = Messages.NewId("pi");
        var knownHosts = await KnownHostsAsync(work, id, sshd, ct);
        await Api.PublishAsync(id, 1, ("ssh", Url(sshd.Port)));
        var proxyCommand = $"{FleetCli.ShellCommand} proxy --resolve {CliApi.RelayHost}:127.0.0.1 %h";

        var result = await Api.Cli.RunAsync("ssh", ["-F", "/dev/null", "-o", $"ProxyCommand={proxyCommand}", .. CommonOptions(sshd, key, knownHosts), $"{id}.fleet", "echo", "via-proxy"], ct);

        Assert.True(result.ExitCode == 0, $"{result}\nsshd: {sshd.Output}");
        Assert.Equal("via-proxy", result.Output.Trim());
        Directory.Delete(work, recursive: true);
    }

    private static string Url(int port) => $"tcp://{CliApi.RelayHost}:{port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>A known_hosts file that knows sshd's key only as <c>ID.fleet</c>.</summary>
    private static async Task<string> KnownHostsAsync(string work, string id, SshRelay sshd, CancellationToken ct)
    {
        var path = Path.Combine(work, "known_hosts");
        await File.WriteAllTextAsync(path, $"{id}.fleet {sshd.HostPublicKey}\n", ct);
        return path;
    }

    /// <summary>What `fleet ssh ID` hands on to ssh after the host: connect to loopback, the test's key and user, no prompts.</summary>
    private static string[] SshOptions(SshRelay sshd, SshKey key, string knownHosts) =>
        ["-F", "/dev/null", "-o", "HostName=127.0.0.1", .. CommonOptions(sshd, key, knownHosts)];

    private static string[] CommonOptions(SshRelay sshd, SshKey key, string knownHosts) =>
    [
        "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes", "-i", key.PrivateKeyFile, "-l", sshd.User,
        "-o", "StrictHostKeyChecking=yes", "-o", $"UserKnownHostsFile={knownHosts}", "-o", "GlobalKnownHostsFile=/dev/null",
    ];
}
