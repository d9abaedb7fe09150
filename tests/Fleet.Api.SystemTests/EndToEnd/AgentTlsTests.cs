using Fleet.Domain.Messages;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.EndToEnd;

/// <summary>
/// The agent binary over TLS to a broker with its own CA (Mosquitto's TLS listener, a certificate for
/// <c>localhost</c> signed by a throwaway CA): trusted through <c>Mqtt:CaFile</c>, refused without it, and refused
/// for a host name the certificate does not name even with the right CA.
/// </summary>
public sealed class AgentTlsTests(FleetDeployment stack, ITestOutputHelper log) : IClassFixture<FleetDeployment>
{
    private AgentProcess NewAgent(DetectorSetup detector, string host, string? caFile) =>
        stack.StaticAgent(detector, "https://203.0.113.9", stack.MqttSection(detector, host, caFile));

    [Fact]
    public async Task Agent_TrustingTheBrokersCa_ConnectsOverTls_AndAppearsOnline()
    {
        var detector = await stack.ProvisionAsync("tls");
        await using var agent = NewAgent(detector, "localhost", stack.Mosquitto.CaFile);

        var (checkExit, checkOutput) = await agent.RunCommandAsync("check");
        agent.Start();
        var online = await stack.WaitForDetectorAsync(detector.Id, v => v.Status == Presence.Online && v.Tunnels.Count == 1, "online over TLS");

        Assert.True(checkExit == 0, checkOutput);
        Assert.Equal("https://203.0.113.9", online.Tunnels[0].Url);
    }

    [Fact]
    public async Task Agent_WithoutTheCa_IsRefusedByTheCertificateCheck()
    {
        var detector = await stack.ProvisionAsync("tlsno");
        await using var agent = NewAgent(detector, "localhost", caFile: null);

        var (exit, output) = await agent.RunCommandAsync("check");
        log.WriteLine($"fleet-agent check exited {exit}: {output}");

        Assert.NotEqual(0, exit);
        Assert.Contains("is not trusted", output, StringComparison.Ordinal);
        Assert.Contains("set Mqtt:CaFile", output, StringComparison.Ordinal);
        Assert.DoesNotContain(detector.Password, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_WithTheCa_ButAHostTheCertificateDoesNotName_IsRefused()
    {
        var detector = await stack.ProvisionAsync("tlsname");
        await using var agent = NewAgent(detector, "127.0.0.1", stack.Mosquitto.CaFile);

        var (exit, output) = await agent.RunCommandAsync("check");
        log.WriteLine($"fleet-agent check exited {exit}: {output}");

        Assert.NotEqual(0, exit);
        Assert.Contains("does not name '127.0.0.1'", output, StringComparison.Ordinal);
    }
}
