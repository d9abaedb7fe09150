using Fleet.Agent.Commands;
using Fleet.Agent.Configuration;
using Fleet.Agent.Publishing;
using Fleet.Agent.Tests.Publishing;
using Fleet.Domain.Broker;

namespace Fleet.Agent.Tests.Commands;

/// <summary>
/// What `fleet-agent check` says about one endpoint, each case against a real listener: Mosquitto's plain and TLS
/// listeners, websockify's wss:// front, tinyproxy, a refusing port and a port that drops connects.
/// </summary>
public sealed class BrokerCheckTests(HostileNetworkBroker broker) : IClassFixture<HostileNetworkBroker>, IDisposable
{
    private readonly CancellationTokenSource _bound = new(TimeSpan.FromMinutes(2));

    private CancellationToken Ct => _bound.Token;

    public void Dispose() => _bound.Dispose();

    private async Task<string?> CheckAsync(string endpoint, Action<MqttSettings>? configure = null, string? password = null)
    {
        var (id, real) = await broker.AddDetectorAsync("chk", Ct);
        var options = new AgentOptions { DetectorId = id };
        options.Mqtt.Endpoints = [endpoint];
        options.Mqtt.ConnectTimeout = TimeSpan.FromSeconds(2);
        configure?.Invoke(options.Mqtt);
        Assert.True(MqttEndpoint.TryParse(endpoint, MqttEndpoints.Key, out var parsed, out var error), error);
        return await new BrokerCheck(options, new MqttTls(options.Mqtt), password ?? real).RunAsync(parsed);
    }

    private static string Localhost(int port, string scheme = "mqtts") => $"{scheme}://localhost:{port}";

    [Fact]
    public async Task Check_TlsWithTheBrokersCa_Passes()
    {
        Assert.Null(await CheckAsync(Localhost(broker.Mosquitto.TlsPort), m => m.CaFile = broker.Mosquitto.CaFile));
    }

    [Fact]
    public async Task Check_WssThroughTheFrontWithTheBrokersCa_Passes()
    {
        Assert.Null(await CheckAsync(broker.Wss.Url("localhost"), m => m.CaFile = broker.Mosquitto.CaFile));
    }

    [Fact]
    public async Task Check_NothingListening_SaysConnectionRefused()
    {
        var problem = await CheckAsync(Localhost(FreePort.Next(), "mqtt"));
        Assert.Contains("(connection refused)", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_PortThatDropsConnects_SaysConnectTimeoutAndSuggests443()
    {
        using var blackhole = new BlackholePort();
        var problem = await CheckAsync($"mqtts://localhost:{blackhole.Port}");
        Assert.Contains("(connect timeout)", problem, StringComparison.Ordinal);
        Assert.Contains("wss://", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_PlainTextAgainstTheTlsListener_SaysItIsATlsListener()
    {
        var problem = await CheckAsync(Localhost(broker.Mosquitto.TlsPort, "mqtt"));
        Assert.Contains($"is a TLS listener and got plain text: write mqtts://localhost:{broker.Mosquitto.TlsPort}", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_TlsAgainstThePlainListener_SaysItSpeaksPlainMqtt()
    {
        var problem = await CheckAsync(Localhost(broker.Mosquitto.Port), m => m.CaFile = broker.Mosquitto.CaFile);
        Assert.Contains("speaks plain MQTT, not TLS", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_HostTheCertificateDoesNotName_SaysSoAndNamesTheFix()
    {
        var problem = await CheckAsync($"mqtts://127.0.0.1:{broker.Mosquitto.TlsPort}", m => m.CaFile = broker.Mosquitto.CaFile);
        Assert.Contains("does not name '127.0.0.1'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_UntrustedCa_SaysNotTrustedAndOffersCaFileOrPin()
    {
        var problem = await CheckAsync(Localhost(broker.Mosquitto.TlsPort));
        Assert.Contains("is not trusted", problem, StringComparison.Ordinal);
        Assert.Contains("Mqtt:CaFile", problem, StringComparison.Ordinal);
        Assert.Contains("Agent:Mqtt:PinSha256", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_MatchingPin_PassesWithoutTheCaAndWhateverTheName()
    {
        Assert.Null(await CheckAsync($"mqtts://127.0.0.1:{broker.Mosquitto.TlsPort}", m => m.PinSha256 = "sha256//" + broker.Pin));
        Assert.Null(await CheckAsync(broker.Wss.Url(), m => m.PinSha256 = broker.Pin));
    }

    [Fact]
    public async Task Check_PinMismatch_IsRefusedShowingTheServersPin()
    {
        var other = Convert.ToBase64String(new byte[32]);
        var problem = await CheckAsync(Localhost(broker.Mosquitto.TlsPort), m => m.PinSha256 = other);
        Assert.Contains($"sha256//{broker.Pin}", problem, StringComparison.Ordinal);
        Assert.Contains("Agent:Mqtt:PinSha256", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_WrongPassword_SaysTheReasonCodeAndThePasswordFile()
    {
        // Mosquitto 2.0 answers a wrong password with 0x87 (not authorized); the embedded broker with 0x86.
        var problem = await CheckAsync(Localhost(broker.Mosquitto.TlsPort), m => m.CaFile = broker.Mosquitto.CaFile, password: "wrong-password");
        Assert.Contains("(0x87)", problem, StringComparison.Ordinal);
        Assert.Contains("Agent:Mqtt:PasswordFile", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_ProxyWantingCredentials_Says407AndWhereToPutThem()
    {
        await using var proxy = await TinyProxy.StartAsync(credentials: ("fleet", "proxy-secret"), ct: Ct);
        var problem = await CheckAsync(broker.Wss.Url("localhost"), m => (m.CaFile, m.Proxy) = (broker.Mosquitto.CaFile, proxy.Url));
        Assert.Contains("407", problem, StringComparison.Ordinal);
        Assert.Contains("Agent:Mqtt:Proxy as http://user:password@host:port", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_ProxyAllowingOnly443_SaysItRefusedTheTunnel()
    {
        await using var proxy = await TinyProxy.StartAsync(connectPorts: [443], ct: Ct);
        var problem = await CheckAsync(broker.Wss.Url("localhost"), m => (m.CaFile, m.Proxy) = (broker.Mosquitto.CaFile, proxy.Url));
        Assert.Contains("refused to open a tunnel", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_ThroughTheProxyWithCredentials_PassesThroughTheProxy()
    {
        await using var proxy = await TinyProxy.StartAsync(credentials: ("fleet", "proxy-secret"), ct: Ct);
        var problem = await CheckAsync(broker.Wss.Url("localhost"), m => (m.CaFile, m.Proxy) = (broker.Mosquitto.CaFile, $"http://fleet:proxy-secret@127.0.0.1:{proxy.Port}"));
        Assert.Null(problem);
        Assert.Contains($"CONNECT localhost:{broker.Wss.Port}", proxy.Log, StringComparison.Ordinal);
    }
}
