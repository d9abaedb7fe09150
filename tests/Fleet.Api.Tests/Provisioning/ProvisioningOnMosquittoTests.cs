using System.Net;
using System.Text.Json;
using Fleet.Api.Provisioning;
using Fleet.Domain.Topics;

namespace Fleet.Api.Tests.Provisioning;

/// <summary>
/// Provisioning with a real Mosquitto: the API writes the broker's own password file
/// (Provisioning:MosquittoPasswordFile), the test reloads the broker as an operator would (SIGHUP).
/// </summary>
public sealed class ProvisioningOnMosquittoTests : IAsyncLifetime
{
    private MosquittoBroker _mosquitto = null!;
    private FleetApiFactory _api = null!;
    private string _passwordFile = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await MigratedDatabase.CreateAsync("provisioning_mosquitto");
        _mosquitto = await MosquittoBroker.StartAsync();
        _passwordFile = await _mosquitto.SharePasswordFileAsync();
        _api = await FleetApiFactory.StartAsync(new FleetApiSettings(connectionString, BrokerSettings.ForMosquitto(_mosquitto))
        {
            Extra = new Dictionary<string, string?>
            {
                ["Provisioning:MosquittoPasswordFile"] = _passwordFile,
                ["Provisioning:BrokerHost"] = "mqtt.example.org",
                ["Provisioning:BrokerPort"] = "8883",
                ["Provisioning:UseTls"] = "true",
            },
        });
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _mosquitto.DisposeAsync();
    }

    [Fact]
    public async Task Provision_WritesALineMosquittoAccepts_RevokeAndReloadCutTheDetectorOff()
    {
        var id = Messages.NewId("mq");
        using var admin = _api.CreateAdmin();

        var response = await admin.PostAsync($"/detectors/{id}/credentials", content: null);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var password = body.GetProperty("password").GetString()!;
        var mqtt = body.GetProperty("agentConfig").GetProperty("Agent").GetProperty("Mqtt");
        Assert.Equal("mqtt.example.org", mqtt.GetProperty("Host").GetString());
        Assert.Equal(8883, mqtt.GetProperty("Port").GetInt32());
        Assert.True(mqtt.GetProperty("UseTls").GetBoolean());
        Assert.Equal("mqtts://mqtt.example.org:8883", Assert.Single(mqtt.GetProperty("Endpoints").EnumerateArray()).GetString());
        Assert.False(body.TryGetProperty("warning", out _), "no warning for a TLS configuration");
        var lines = await File.ReadAllLinesAsync(_passwordFile);
        var line = Assert.Single(lines, l => l.StartsWith(id + ":", StringComparison.Ordinal));
        Assert.Matches(@"^[a-z0-9-]+:\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$", line);
        Assert.Contains(lines, l => l.StartsWith("api:", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("monitor:", StringComparison.Ordinal));
        Assert.DoesNotContain(password, string.Join('\n', lines), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(_passwordFile));
        }

        await _mosquitto.ReloadAsync();
        var detector = await Eventually.GetAsync(
            async () => await TryConnectAsync(id, password), d => d is not null, "Mosquitto accepts the provisioned password after the reload");
        await using (detector)
        {
            var published = await detector!.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, 1, 0)));
            Assert.True(published.IsSuccess, published.ReasonCode.ToString());
            using var reader = _api.CreateReader();
            await Eventually.TrueAsync(async () => (await reader.GetAsync($"/detectors/{id}")).StatusCode == HttpStatusCode.OK, "the detector appears");

            Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/detectors/{id}/credentials")).StatusCode);
            Assert.DoesNotContain(await File.ReadAllLinesAsync(_passwordFile), l => l.StartsWith(id + ":", StringComparison.Ordinal));
            await _mosquitto.ReloadAsync();

            // Checked on 2.0.11: on reload Mosquitto disconnects a client whose account is gone, not only new logins.
            await Eventually.TrueAsync(() => Task.FromResult(!detector.Client.IsConnected), "Mosquitto dropped the revoked detector's connection");
        }

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => MqttTestClient.ConnectAsync(_mosquitto.Host, _mosquitto.Port, id, password));
        Assert.True(refused.Message.Contains("NotAuthorized", StringComparison.Ordinal) || refused.Message.Contains("BadUserNameOrPassword", StringComparison.Ordinal), refused.Message);

        // The other accounts in the file survived both rewrites.
        await using var monitor = await MqttTestClient.ConnectAsync(_mosquitto.Host, _mosquitto.Port, "monitor", _mosquitto.MonitorPassword);
        Assert.True(_api.MqttConnected);
    }

    [Fact]
    public async Task PasswordLine_VerifiesAgainstMosquittoPasswdOutput_AndBack()
    {
        var file = Path.Combine(Path.GetTempPath(), $"fleet-passwd-{Guid.NewGuid():N}");
        try
        {
            var tool = MosquittoFiles.FindTool("mosquitto_passwd", "/usr/bin/mosquitto_passwd");
            var (exit, _, error) = await ChildProcess.RunAsync(tool, ["-b", "-c", file, "pi-1", "s3cret-ü"], TimeSpan.FromSeconds(15));
            Assert.True(exit == 0, error);
            var theirs = (await File.ReadAllLinesAsync(file)).Single();

            Assert.StartsWith("pi-1:$7$101$", theirs, StringComparison.Ordinal);
            Assert.True(MosquittoPasswordFile.Verify(theirs, "s3cret-ü"));
            Assert.False(MosquittoPasswordFile.Verify(theirs, "s3cret-u"));
            Assert.True(MosquittoPasswordFile.Verify(MosquittoPasswordFile.HashLine("pi-1", "s3cret-ü"), "s3cret-ü"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task<MqttTestClient?> TryConnectAsync(string id, string password)
    {
        try
        {
            return await MqttTestClient.ConnectAsync(_mosquitto.Host, _mosquitto.Port, id, password, clientId: id);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
