using Microsoft.Extensions.DependencyInjection;
using MQTTnet;

namespace Fleet.Api.Tests.Security;

/// <summary>
/// Issue 11, finding 9 (the broker's part): failed MQTT logins are counted per remote address; beyond
/// <c>Mqtt:Embedded:FailedLoginsPerMinute</c> every login from that address is refused at once (no database look-up),
/// and refusals are logged at most once per <c>Mqtt:Embedded:FailedLoginLogInterval</c>, with a count.
/// </summary>
public sealed class EmbeddedBrokerLoginThrottleTests
{
    [Fact]
    public async Task Logins_BeyondFailedLoginsPerMinute_AreRefusedEvenWithTheRightPassword_AndLoggedOnce()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var stack = await EmbeddedBrokerStack.StartAsync("broker_login_throttle", new Dictionary<string, string?>
        {
            ["Mqtt:Embedded:FailedLoginsPerMinute"] = "3",
            ["Mqtt:Embedded:FailedLoginLogInterval"] = "01:00:00",
        });
        var id = Messages.NewId("bf");
        var password = await stack.Api.ProvisionEmbeddedDetectorAsync(id);

        for (var attempt = 0; attempt < 5; attempt++)
        {
            var (guess, guessResult) = await stack.ConnectAsync(id, $"guess-{attempt}", id, cleanStart: true, ct);
            guess.Dispose();
            Assert.NotEqual(MqttClientConnectResultCode.Success, guessResult.ResultCode);
        }

        var (right, result) = await stack.ConnectAsync(id, password, id, cleanStart: true, ct);
        using var _ = right;

        Assert.Equal(MqttClientConnectResultCode.ConnectionRateExceeded, result.ResultCode);
        var warnings = stack.Logs.Lines.Where(l => l.StartsWith("Warning Fleet.Api.Mqtt.", StringComparison.Ordinal) && l.Contains("login", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(warnings.Count == 1, string.Join(Environment.NewLine, warnings));
    }

    [Fact]
    public async Task ApiIdentity_FromAThrottledAddress_StillConnects()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var stack = await EmbeddedBrokerStack.StartAsync("broker_login_throttle_api", new Dictionary<string, string?>
        {
            ["Mqtt:Embedded:FailedLoginsPerMinute"] = "1",
        });
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var (guess, _) = await stack.ConnectAsync("monitor", $"guess-{attempt}", $"guess-{attempt}", cleanStart: true, ct);
            guess.Dispose();
        }

        var (username, password) = stack.Api.Services.GetRequiredService<Fleet.Api.Mqtt.BrokerCredentialSource>().ForApi();
        var (api, result) = await stack.ConnectAsync(username, password, "api-probe", cleanStart: true, ct);
        using var __ = api;

        // The API's password is random per process and never leaves it: it cannot be guessed, and the API's own
        // reconnects (from loopback, like any local attacker) must not be locked out.
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
    }

    [Fact]
    public async Task RefusedPublishes_FromALoggedInDetector_AreLoggedOncePerInterval()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var ct = timeout.Token;
        await using var stack = await EmbeddedBrokerStack.StartAsync("broker_publish_refusals", new Dictionary<string, string?>
        {
            ["Mqtt:Embedded:FailedLoginLogInterval"] = "01:00:00",
        });
        var id = Messages.NewId("pf");
        var password = await stack.Api.ProvisionEmbeddedDetectorAsync(id);
        var (client, result) = await stack.ConnectAsync(id, password, id, cleanStart: true, ct);
        using var _ = client;
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);

        for (var i = 0; i < 50; i++)
        {
            var refused = await client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic($"fleet/v1/registry/forged-{i}")
                .WithPayload("{}")
                .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(), ct);
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, refused.ReasonCode);
        }

        var warnings = stack.Logs.Lines.Where(l => l.StartsWith("Warning Fleet.Api.Mqtt.", StringComparison.Ordinal) && l.Contains("publish", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(warnings.Count == 1, string.Join(Environment.NewLine, warnings));
    }
}
