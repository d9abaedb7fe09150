namespace Fleet.Api.SystemTests.Startup;

/// <summary>
/// Issue 14 item 4: a setting the API cannot start with ends the start with one line on stderr that names the key and
/// the fix, no stack trace, and a non-zero exit code (before: an unhandled exception with a long stack and exit 134, or
/// a silent start that then refused every request). The API runs as a real process, as an operator starts it.
/// </summary>
public sealed class ConfigurationErrorTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    /// <summary>A usable key, so a start gets past "no API keys" to the check under test.</summary>
    private static readonly string[] OneKey =
        ["--Auth:ApiKeys:0:Name=ops", "--Auth:ApiKeys:0:Role=reader", $"--Auth:ApiKeys:0:Sha256={new string('a', 64)}"];

    [Theory]
    [InlineData("Metrics:Port", "--Metrics:Port=abc")]
    [InlineData("Metrics:Port", "--Metrics:Port=70000")]
    [InlineData("Mqtt:Embedded:Port", "--Mqtt:Embedded:Port=70000")]
    [InlineData("Database:Provider", "--Database:Provider=Mongo")]
    [InlineData("Auth:ApiKeys:0:Role", "--Auth:ApiKeys:0:Name=ops", "--Auth:ApiKeys:0:Role=Admin", "--Auth:ApiKeys:0:Sha256=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("Auth:ApiKeys:0:Sha256", "--Auth:ApiKeys:0:Name=ops", "--Auth:ApiKeys:0:Role=admin", "--Auth:ApiKeys:0:Sha256=not-a-hash")]
    [InlineData("Auth:ApiKeys", "--Mqtt:Embedded:MaxConnections=10")]
    public async Task Start_WithABadSetting_PrintsOneLineNamingTheKey_AndExitsNonZero(string key, params string[] arguments)
    {
        var line = await RefusedStartAsync(arguments);

        Assert.StartsWith($"fleet-api: {key}: ", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithPlainMqttOnTheNetwork_IsRefusedNamingTheSwitch()
    {
        var line = await RefusedStartAsync([.. OneKey, "--Mqtt:Embedded:BindAddress=0.0.0.0"]);

        Assert.StartsWith("fleet-api: Mqtt:Embedded:BindAddress: ", line, StringComparison.Ordinal);
        Assert.Contains("Mqtt:Embedded:AllowInsecurePlainTextOnNetwork=true", line, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithPlainHttpOnTheNetwork_IsRefusedNamingTheSwitch()
    {
        var line = await RefusedStartAsync([.. OneKey, $"--urls=http://0.0.0.0:{FreePort.Next()}"]);

        Assert.StartsWith("fleet-api: urls: ", line, StringComparison.Ordinal);
        Assert.Contains("Http:AllowInsecureHttpOnNetwork=true", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_WithPlainMqttOnTheNetworkAndTheSwitch_Starts()
    {
        await using var api = await ApiProcess.StartAsync(
            "Production", [.. OneKey, "--Mqtt:Embedded:BindAddress=0.0.0.0", "--Mqtt:Embedded:AllowInsecurePlainTextOnNetwork=true"]);

        await api.WaitForOutputAsync("Fleet API is running.");

        Assert.False(api.HasExited, api.Log);
        Assert.DoesNotContain("fleet-api: ", api.Log, StringComparison.Ordinal);
    }

    /// <summary>Starts the API in Production with <paramref name="arguments"/>, expects it to exit, and returns its one error line.</summary>
    private static async Task<string> RefusedStartAsync(string[] arguments)
    {
        await using var api = await ApiProcess.StartAsync("Production", arguments);
        await api.WaitForExitAsync(ExitTimeout);

        var log = api.Log;
        Assert.NotEqual(0, api.ExitCode);
        Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", log, StringComparison.Ordinal);
        var lines = log.Split('\n').Where(l => l.Contains("fleet-api: ", StringComparison.Ordinal)).ToList();
        var line = Assert.Single(lines);
        return line[line.IndexOf("fleet-api: ", StringComparison.Ordinal)..].TrimEnd('\r');
    }
}
