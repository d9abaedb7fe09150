namespace Fleet.Agent.Configuration;

public sealed class NgrokSettings
{
    public string Binary { get; set; } = "/opt/fleet-agent/ngrok";

    public List<string> ConfigFiles { get; set; } = ["/etc/fleet-agent/ngrok.yml"];

    /// <summary>The local agent API; by default read from web_addr in the config (127.0.0.1:4040 when absent).</summary>
    public string? ApiAddress { get; set; }

    /// <summary>False when ngrok is run by something else and the agent only reads its API.</summary>
    public bool ManageProcess { get; set; } = true;

    /// <summary>How often the local API is read even without a log line that announces a change.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan RestartMinDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan RestartMaxDelay { get; set; } = TimeSpan.FromMinutes(5);
}
