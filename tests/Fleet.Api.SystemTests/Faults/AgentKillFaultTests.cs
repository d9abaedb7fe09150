using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Fleet.Api.SystemTests.EndToEnd;
using Fleet.Api.SystemTests.Faults.Support;
using Fleet.Domain.Messages;
using Fleet.Domain.Topics;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Faults;

/// <summary>
/// Issue 7, fault 10: the agent is killed (SIGKILL). Killed for good, it shows `lost` within the offline bound with its
/// last URLs still visible but no longer served; restarted within the will delay, nothing flickers; a stale will of
/// an old connection arriving after the new `online` is ignored.
/// </summary>
[Collection(AgentFaultGroup.Name)]
[Trait("Category", "Fault")]
[Trait("Suite", "Long")]
public sealed class AgentKillFaultTests(AgentFaultDeployment stack, ITestOutputHelper output)
{
    private static readonly TimeSpan LongWillDelay = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task AgentKilled_ShowsLostWithinTheOfflineBound_LastUrlsStayVisibleButAreNotServed()
    {
        var detector = await stack.ProvisionAsync("sigkill");
        await using var agent = stack.StaticAgent(detector, "https://203.0.113.10:8443");
        agent.Start();
        await AgentOutput.OnFailureAsync(
            output,
            async () =>
            {
                var online = await stack.WaitForDetectorAsync(detector.Id, v => v.Status == Presence.Online && v.Tunnels.Count == 1, "online");
                var clock = Stopwatch.StartNew();
                agent.KillHard();
                output.WriteLine($"injected: SIGKILL of the agent (pid {agent.ProcessId}) at {AgentAcceptedState.Describe(online)}; offline bound {AgentFaultTimings.OfflineBound.TotalSeconds} s (will delay {AgentFaultTimings.WillDelay.TotalSeconds} s + 1.5 x keep-alive {AgentFaultTimings.KeepAlive.TotalSeconds} s + 5 s)");

                var lost = await stack.WaitForDetectorAsync(detector.Id, v => v.Status == Presence.Lost, "lost within the offline bound", AgentFaultTimings.OfflineBound);
                var took = clock.Elapsed;
                using var reader = stack.Api.CreateReader();
                using var link = await reader.GetAsync($"/d/{detector.Id}");
                var problem = JsonNode.Parse(await link.Content.ReadAsStringAsync());
                output.WriteLine($"observed: {AgentAcceptedState.Describe(lost)} after {took.TotalSeconds:0.0} s; /d/{detector.Id} answers {(int)link.StatusCode} detectorStatus={problem?["detectorStatus"]} Retry-After={link.Headers.RetryAfter}");

                Assert.Equal(online.Epoch, lost.Epoch);
                Assert.Equal(online.Tunnels[0].Url, lost.Tunnels.Single().Url);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, link.StatusCode);
                Assert.Equal("lost", problem?["detectorStatus"]?.GetValue<string>());
                var history = await stack.HistoryAsync(detector.Id);
                Assert.Equal("connection-lost", history.Last(e => e.Type == "lost").Data?["reason"]?.GetValue<string>());
            },
            () => agent);
    }

    [Fact]
    public async Task AgentKilledAndRestartedWithinTheWillDelay_NoLostOnlineFlicker()
    {
        var detector = await stack.ProvisionAsync("quick");
        AgentProcess? agent = stack.StaticAgent(detector, "https://203.0.113.11:8443", willDelay: LongWillDelay);
        agent.Start();
        await AgentOutput.OnFailureAsync(
            output,
            async () =>
            {
                var online = await stack.WaitForDetectorAsync(detector.Id, v => v.Status == Presence.Online && v.Epoch is not null && v.Tunnels.Count == 1, "online with its state");
                var eventsBefore = (await stack.HistoryAsync(detector.Id)).Count;
                await using var presence = new AgentPresenceLog(stack, detector.Id);
                var clock = Stopwatch.StartNew();
                agent.KillHard();
                await agent.WaitForExitAsync(TimeSpan.FromSeconds(10));
                await agent.DisposeAsync();
                agent = stack.StaticAgent(detector, "https://203.0.113.11:8443", willDelay: LongWillDelay);
                agent.Start();
                output.WriteLine($"injected: SIGKILL at {AgentAcceptedState.Describe(online)}, restarted at once (will delay {LongWillDelay.TotalSeconds} s)");
                var back = await stack.WaitForDetectorAsync(detector.Id, v => v.Epoch > online.Epoch, "the restarted agent's new epoch");
                output.WriteLine($"observed: {AgentAcceptedState.Describe(back)} {clock.Elapsed.TotalSeconds:0.0} s after the kill");

                // Past the old connection's will delay: a will that was going to come has come.
                await Task.Delay(LongWillDelay + TimeSpan.FromSeconds(2) - clock.Elapsed is { Ticks: > 0 } rest ? rest : TimeSpan.Zero);
                var after = (await stack.HistoryAsync(detector.Id)).Skip(eventsBefore).ToList();
                output.WriteLine($"observed over {clock.Elapsed.TotalSeconds:0.0} s: status {presence}; events since the kill: [{string.Join(", ", after.Select(e => e.Type))}]");

                Assert.All(presence.Changes, c => Assert.Equal(Presence.Online, c.Status));
                Assert.DoesNotContain(after, e => e.Type is "lost" or "online" or "offline");
            },
            () => agent);
        await agent.DisposeAsync();
    }

    [Fact]
    public async Task StaleWillOfAnOldConnection_ArrivingAfterTheNewOnline_IsIgnored()
    {
        var detector = await stack.ProvisionAsync("stale");
        await using var agent = stack.StaticAgent(detector, "https://203.0.113.12:8443");
        agent.Start();
        await AgentOutput.OnFailureAsync(
            output,
            async () =>
            {
                var online = await stack.WaitForDetectorAsync(detector.Id, v => v.Status == Presence.Online && v.Epoch is not null && v.Tunnels.Count == 1, "online with its state");
                var eventsBefore = (await stack.HistoryAsync(detector.Id)).Count;
                await using var presence = new AgentPresenceLog(stack, detector.Id);
                using var reader = stack.Api.CreateReader();
                await using var watcher = await MonotonicWatcher.StartAsync(reader, output);

                // Only this detector's identity may write its status topic, and Mosquitto ties the client id to it: the
                // "old connection" is a client that resumes the agent's session (no will of the agent is due then) and
                // publishes, exactly as the broker would, the will of an earlier epoch.
                var stale = new StatusMessage { State = Presence.Lost, Epoch = online.Epoch!.Value - 1, Reason = "connection-lost" };
                using (var old = new MqttClientFactory().CreateMqttClient())
                {
                    var connect = new MqttClientOptionsBuilder()
                        .WithTcpServer(stack.Mosquitto.Host, stack.Mosquitto.Port)
                        .WithProtocolVersion(MqttProtocolVersion.V500)
                        .WithClientId(detector.Id)
                        .WithCredentials(detector.Id, detector.Password)
                        .WithCleanStart(false)
                        .WithSessionExpiryInterval(60)
                        .Build();
                    var result = await old.ConnectAsync(connect);
                    Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
                    var puback = await old.PublishAsync(new MqttApplicationMessageBuilder()
                        .WithTopic(FleetTopics.Status(detector.Id))
                        .WithPayload(Fleet.Api.Testing.Messages.Json(stale))
                        .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                        .WithRetainFlag(true)
                        .Build());
                    Assert.True(puback.IsSuccess, puback.ReasonCode.ToString());
                    await old.DisconnectAsync();
                }

                output.WriteLine($"injected: at {AgentAcceptedState.Describe(online)}, a retained will {Fleet.Api.Testing.Messages.Json(stale)} of the previous connection");
                var back = await stack.WaitForDetectorAsync(detector.Id, v => v.Epoch > online.Epoch && v.Status == Presence.Online, "the agent, taken over for a moment, is back with a new epoch");
                await Task.Delay(TimeSpan.FromSeconds(1));
                var after = (await stack.HistoryAsync(detector.Id)).Skip(eventsBefore).ToList();
                output.WriteLine($"observed: status {presence}; now {AgentAcceptedState.Describe(back)}; events since: [{string.Join(", ", after.Select(e => e.Type))}]");
                var warned = agent.Output.Split('\n').FirstOrDefault(l => l.Contains("took the MQTT session of", StringComparison.Ordinal));
                output.WriteLine($"agent: {warned}");

                watcher.AssertMonotonic();
                Assert.All(presence.Changes, c => Assert.Equal(Presence.Online, c.Status));
                Assert.DoesNotContain(after, e => e.Type == "lost");
                Assert.NotNull(warned);
            },
            () => agent);
    }
}
