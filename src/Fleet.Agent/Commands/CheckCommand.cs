using Fleet.Agent.Configuration;
using Fleet.Agent.Publishing;
using Fleet.Domain.Broker;
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
        ok &= await CheckBrokerAsync(options);
        Console.WriteLine(ok ? "All checks passed." : "Some checks failed.");
        return ok ? 0 : 1;
    }

    internal static bool Report(string what, string? problem)
    {
        Console.WriteLine(problem is null ? $"ok     {what}" : $"FAIL   {what}: {problem}");
        return problem is null;
    }

    /// <summary>
    /// Every endpoint in turn. The agent needs one that works: when one does, the others are reported as warnings (an
    /// 8883 a guest network blocks is expected where a wss:// endpoint follows it).
    /// </summary>
    private static async Task<bool> CheckBrokerAsync(AgentOptions options)
    {
        var running = AgentStatusFile.Read(Path.Combine(options.StateDirectory, "status.json"));
        if (running is { Connected: true } && DateTimeOffset.UtcNow - running.UpdatedAt < options.Heartbeat * 2)
        {
            // A second login with this detector's credentials would take over the running agent's session.
            Console.WriteLine($"       the running agent is connected to {running.Broker} (since {running.ConnectedSince:u}); not logging in a second time");
            return true;
        }

        string password;
        try
        {
            password = MqttPassword.Read(options.Mqtt);
        }
        catch (InvalidOperationException ex)
        {
            return Report("broker", ex.Message);
        }

        if (MqttProxy.Parse(options.Mqtt.Proxy) is { } proxy)
        {
            Console.WriteLine($"       ws:// and wss:// endpoints go through the proxy {proxy.Display}");
        }

        IReadOnlyList<MqttEndpoint> endpoints;
        MqttTls tls;
        try
        {
            endpoints = MqttEndpoints.From(options.Mqtt);
            tls = new MqttTls(options.Mqtt);
        }
        catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException)
        {
            return Report("broker", $"not tried ({ex.Message}): fix the configuration first");
        }

        var check = new BrokerCheck(options, tls, password);
        List<(MqttEndpoint Endpoint, string? Problem)> results = [];
        foreach (var endpoint in endpoints)
        {
            results.Add((endpoint, await check.RunAsync(endpoint)));
        }

        var working = results.FirstOrDefault(r => r.Problem is null).Endpoint;
        foreach (var (endpoint, problem) in results)
        {
            if (problem is not null && working is not null)
            {
                Console.WriteLine($"warn   broker {endpoint}: {problem} (the agent uses {working} instead)");
            }
            else
            {
                Report($"broker {endpoint}", problem);
            }
        }

        return working is not null;
    }
}
