using Fleet.Agent.Configuration;
using Fleet.Agent.Publishing;
using MQTTnet;
using MQTTnet.Formatter;

namespace Fleet.Agent.Commands;

/// <summary>`fleet-agent check`: says exactly what is wrong with the configuration, the broker and the provider.</summary>
internal static class CheckCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var (options, errors, source) = AgentConfigLoader.Load(args);
        var ok = Report($"configuration {source}", errors.Count == 0 ? null : string.Join(Environment.NewLine + "       ", errors));
        if (!string.IsNullOrEmpty(options.Mqtt.PasswordFile) && string.IsNullOrEmpty(options.Mqtt.Password))
        {
            ok &= Report($"password file {options.Mqtt.PasswordFile}", MqttPassword.CheckFile(options.Mqtt.PasswordFile));
        }

        ok &= await ProviderChecks.RunAsync(options, Report);
        ok &= Report($"broker {options.Mqtt.Host}:{options.Mqtt.Port}", await CheckBrokerAsync(options));
        Console.WriteLine(ok ? "All checks passed." : "Some checks failed.");
        return ok ? 0 : 1;
    }

    internal static bool Report(string what, string? problem)
    {
        Console.WriteLine(problem is null ? $"ok     {what}" : $"FAIL   {what}: {problem}");
        return problem is null;
    }

    private static async Task<string?> CheckBrokerAsync(AgentOptions options)
    {
        var running = AgentStatusFile.Read(Path.Combine(options.StateDirectory, "status.json"));
        if (running is { Connected: true } && DateTimeOffset.UtcNow - running.UpdatedAt < options.Heartbeat * 2)
        {
            // A second login with this detector's credentials would take over the running agent's session.
            Console.WriteLine($"       the running agent is connected (since {running.ConnectedSince:u}); not logging in a second time");
            return null;
        }

        string password;
        try
        {
            password = MqttPassword.Read(options.Mqtt);
        }
        catch (InvalidOperationException ex)
        {
            return ex.Message;
        }

        using var client = new MqttClientFactory().CreateMqttClient();
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Mqtt.Host, options.Mqtt.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            // The detector's own client id: the embedded broker accepts no other for a detector, and Mosquitto
            // (use_username_as_clientid) uses the user name anyway. The running agent is not connected (checked above).
            .WithClientId(options.Mqtt.ClientId ?? options.DetectorId)
            .WithCredentials(options.Mqtt.Username ?? options.DetectorId, password)
            .WithCleanStart(true)
            .WithTimeout(options.Mqtt.ConnectTimeout);
        builder = MqttTls.Apply(builder, options.Mqtt);

        try
        {
            var result = await client.ConnectAsync(builder.Build());
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                return $"the broker refused the login: {result.ResultCode}";
            }

            await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());
            return null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return $"cannot reach it: {Reasons(ex)}";
        }
    }

    /// <summary>Every distinct message down the chain: MQTTnet's "error while connecting" hides the TLS or socket reason inside.</summary>
    private static string Reasons(Exception ex)
    {
        var messages = new List<string>();
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (!messages.Contains(e.Message))
            {
                messages.Add(e.Message);
            }
        }

        return string.Join(": ", messages);
    }
}
