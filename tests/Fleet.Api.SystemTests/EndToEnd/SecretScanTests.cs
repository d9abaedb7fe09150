using System.Net;
using System.Text;
using System.Text.Json;
using Fleet.Api.Auth;
using Fleet.Api.Testing.Dashboard;
using Fleet.Api.Testing.Events;
using Fleet.Domain.Messages;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Fleet.Api.SystemTests.EndToEnd;

/// <summary>
/// A full run (agent binary, stand-in ngrok with an authtoken, Mosquitto, the API with API keys, PostgreSQL) with
/// everything captured: API log lines, agent output and files, the broker log, every MQTT message a monitor sees,
/// and the HTTP responses. No configured secret may appear in any of it.
/// </summary>
public sealed class SecretScanTests : IAsyncLifetime
{
    private readonly CapturingLoggerProvider _logs = new();
    private readonly List<(string Where, string Text)> _captured = [];
    private MosquittoBroker _mosquitto = null!;
    private FleetApiFactory _api = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await MigratedDatabase.CreateAsync("secrets");
        _mosquitto = await MosquittoBroker.StartAsync();
        _api = await FleetApiFactory.StartAsync(new FleetApiSettings(connectionString, BrokerSettings.ForMosquitto(_mosquitto))
        {
            LoggerProvider = _logs,
            Extra = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace" },
        });
    }

    public async Task DisposeAsync()
    {
        await _api.DisposeAsync();
        await _mosquitto.DisposeAsync();
    }

    [Fact]
    public async Task FullRun_LogsPayloadsAndResponses_ContainNoConfiguredSecret()
    {
        var wrongKey = SecretHash.NewSecret();
        await using var monitor = await MqttTestClient.ConnectAsync(_mosquitto.Host, _mosquitto.Port, "monitor", _mosquitto.MonitorPassword);
        await monitor.SubscribeAsync("#");
        var id = Messages.NewId("sec");
        var password = SecretHash.NewSecret();
        await _mosquitto.AddUserAsync(id, password);
        var work = Directory.CreateTempSubdirectory($"fleet-secrets-{id}-").FullName;
        var authtoken = "FAKE-AUTHTOKEN-" + Guid.NewGuid().ToString("N");
        var (agent, control) = await StartAgentAsync(id, password, authtoken, work);
        await using (agent)
        {
            using var reader = _api.CreateReader();
            using var sse = await reader.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);
            using var events = new SseReader(await sse.Content.ReadAsStreamAsync());
            DetectorView first;
            try
            {
                first = await WaitForAsync(reader, id, v => v.Tunnels.Count > 0, "the ngrok URL appears");
            }
            catch (TimeoutException ex)
            {
                // The output may hold a secret, so it is not shown: the leak check below is what this test is for.
                throw new TimeoutException($"{ex.Message}; agent exited: {agent.HasExited}; output lines: {agent.Output.Split('\n').Length}", ex);
            }

            await File.WriteAllTextAsync(control, JsonSerializer.Serialize(new { changeUrl = "1" }));
            await WaitForAsync(reader, id, v => v.Tunnels.Count > 0 && v.Tunnels[0].Url != first.Tunnels[0].Url, "the URL changes");
            using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15)))
            {
                for (var i = 0; i < 3 && await events.NextAsync(timeout.Token) is { } item; i++)
                {
                    Capture($"SSE /events item {i}", $"{item.Type} {item.Data}");
                }
            }

            await ExerciseRestAsync(id, wrongKey);
            agent.Terminate();
            await agent.WaitForExitAsync(TimeSpan.FromSeconds(30));
            await WaitForAsync(reader, id, v => v.Status == Presence.Offline, "offline after SIGTERM");
            Capture("agent stdout/stderr", agent.Output);
        }

        foreach (var line in _logs.Lines)
        {
            Capture("API log", line);
        }

        foreach (var (topic, payload) in monitor.Received)
        {
            Capture($"MQTT {topic}", topic + " " + payload);
        }

        foreach (var file in Directory.EnumerateFiles(work, "*", SearchOption.AllDirectories).Where(f => !IsSecretStore(f, work)))
        {
            Capture($"file {file}", await File.ReadAllTextAsync(file));
        }

        Capture("mosquitto log", await File.ReadAllTextAsync(_mosquitto.LogPath));

        Assert.Contains(_captured, c => c.Where.StartsWith("MQTT fleet/v1/registry/", StringComparison.Ordinal));
        Assert.Contains(_captured, c => c.Where == "API log" && c.Text.Contains(id, StringComparison.Ordinal));
        (string Name, string Value)[] secrets =
        [
            ("ngrok authtoken", authtoken), ("detector MQTT password", password), ("API MQTT password", _mosquitto.ApiPassword),
            ("monitor MQTT password", _mosquitto.MonitorPassword), ("reader API key", TestKeys.Reader), ("admin API key", TestKeys.Admin),
            ("wrong API key presented", wrongKey),
        ];
        var leak = _captured.SelectMany(c => secrets.Where(s => c.Text.Contains(s.Value, StringComparison.Ordinal)).Select(s => (c.Where, s.Name, c.Text))).FirstOrDefault();
        if (leak != default)
        {
            Assert.Fail($"the {leak.Name} appears in {leak.Where}: {Excerpt(leak.Text, secrets.First(s => s.Name == leak.Name).Value)}");
        }

        Assert.True(_captured.Count > 50, $"only {_captured.Count} items captured");
    }

    private async Task ExerciseRestAsync(string id, string wrongKey)
    {
        using var reader = _api.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        string[] paths = ["/detectors", $"/detectors/{id}", $"/detectors/{id}/history", $"/d/{id}", $"/d/{id}/web", "/detectors/no-such", "/metrics", "/health/ready"];
        foreach (var path in paths)
        {
            await SendAsync(reader, HttpMethod.Get, path, ("X-Api-Key", TestKeys.Reader));
        }

        await SendAsync(reader, HttpMethod.Get, "/detectors", ("X-Api-Key", wrongKey));
        await SendAsync(reader, HttpMethod.Get, "/detectors", ("Authorization", "Bearer " + wrongKey));
        await SendAsync(reader, HttpMethod.Get, "/detectors", ("Authorization", "Bearer " + TestKeys.Admin));
        await SendAsync(reader, HttpMethod.Patch, $"/detectors/{id}", ("X-Api-Key", TestKeys.Reader));
        await SendAsync(reader, HttpMethod.Post, "/auth/session", ("X-Api-Key", wrongKey));
        await SendAsync(reader, HttpMethod.Post, "/auth/session", ("X-Api-Key", TestKeys.Reader));
        using var form = new HttpRequestMessage(HttpMethod.Post, "/auth/session") { Content = JsonContent(new { key = wrongKey }) };
        await CaptureAsync("POST /auth/session (wrong key in body)", await reader.SendAsync(form));
        var (signedIn, cookie) = await SessionCookies.SignInAsync(reader, TestKeys.Admin);
        await CaptureAsync("POST /auth/session (admin key in body)", signedIn);
        if (cookie is not null)
        {
            await CaptureAsync("GET /detectors with the session cookie", await reader.SendAsync(SessionCookies.Request(HttpMethod.Get, "/detectors", cookie)));
        }
    }

    private async Task SendAsync(HttpClient http, HttpMethod method, string path, (string Name, string Value) header)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        if (method == HttpMethod.Patch)
        {
            request.Content = JsonContent(new { notes = "secret scan" });
        }

        await CaptureAsync($"{method} {path} ({header.Name})", await http.SendAsync(request));
    }

    private async Task CaptureAsync(string where, HttpResponseMessage response)
    {
        using (response)
        {
            var headers = string.Join("\n", response.Headers.Concat(response.Content.Headers).Select(h => $"{h.Key}: {string.Join(", ", h.Value)}"));
            Capture($"HTTP {where} -> {(int)response.StatusCode}", $"{headers}\n{await response.Content.ReadAsStringAsync()}");
        }
    }

    private void Capture(string where, string text) => _captured.Add((where, text));

    private async Task<(AgentProcess Agent, string Control)> StartAgentAsync(string id, string password, string authtoken, string work)
    {
        var passwordFile = Path.Combine(work, "mqtt-password");
        await File.WriteAllTextAsync(passwordFile, password);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var config = Path.Combine(work, "ngrok.yml");
        await File.WriteAllTextAsync(config, $"""
            version: 2
            authtoken: {authtoken}
            web_addr: 127.0.0.1:{FreePort.Next()}
            tunnels:
              web:
                proto: http
                addr: 80
            """);
        var control = Path.Combine(work, "ngrok-control.json");
        await File.WriteAllTextAsync(control, "{}");
        var agent = new AgentProcess(
            work,
            new
            {
                DetectorId = id,
                StateDirectory = Path.Combine(work, "state"),
                LogDirectory = Path.Combine(work, "log"),
                Heartbeat = "00:00:30",
                Provider = "ngrok",
                Ngrok = new { Binary = RepositoryPaths.FakeNgrok, ConfigFiles = new[] { config }, PollInterval = "00:00:01" },
                Mqtt = new
                {
                    Host = _mosquitto.Host, Port = _mosquitto.Port, PasswordFile = passwordFile, KeepAlive = "00:00:05", WillDelay = "00:00:01",
                    PingInterval = "00:00:00.500", ReconnectMinDelay = "00:00:00.200", ReconnectMaxDelay = "00:00:02", EpochRecoveryWait = "00:00:02",
                },
            },
            new Dictionary<string, string> { ["FAKE_NGROK_CONTROL"] = control });
        agent.Start();
        return (agent, control);
    }

    private static async Task<DetectorView> WaitForAsync(HttpClient http, string id, Func<DetectorView, bool> condition, string what) =>
        (await Eventually.GetAsync(
            async () =>
            {
                using var response = await http.GetAsync($"/detectors/{id}");
                return response.StatusCode == HttpStatusCode.OK
                    ? JsonSerializer.Deserialize(await response.Content.ReadAsStringAsync(), FleetJsonContext.Default.DetectorView)
                    : null;
            },
            view => view is not null && condition(view),
            what,
            TimeSpan.FromSeconds(45)))!;

    /// <summary>The two files that must hold a secret: the ngrok config (authtoken) and the MQTT password file.</summary>
    private static bool IsSecretStore(string file, string work) =>
        file == Path.Combine(work, "ngrok.yml") || file == Path.Combine(work, "mqtt-password");

    private static StringContent JsonContent(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    private static string Excerpt(string text, string secret)
    {
        var at = text.IndexOf(secret, StringComparison.Ordinal);
        return text.Substring(Math.Max(0, at - 120), Math.Min(text.Length - Math.Max(0, at - 120), 240)).Replace(secret, "<SECRET>", StringComparison.Ordinal);
    }
}
