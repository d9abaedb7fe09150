namespace Fleet.Agent.Configuration;

public sealed class NgrokSettings
{
    public string Binary { get; set; } = "/opt/fleet-agent/ngrok";

    public const string DefaultConfigFile = "/etc/fleet-agent/ngrok.yml";

    /// <summary>Empty by default: the configuration binder appends to a list rather than replacing it.</summary>
    public List<string> ConfigFiles { get; set; } = [];

    /// <summary>The configured files, or <see cref="DefaultConfigFile"/>.</summary>
    public IReadOnlyList<string> EffectiveConfigFiles => ConfigFiles.Count > 0 ? ConfigFiles : [DefaultConfigFile];

    /// <summary>The local agent API; by default read from web_addr in the config (127.0.0.1:4040 when absent).</summary>
    public string? ApiAddress { get; set; }

    /// <summary>False when ngrok is run by something else and the agent only reads its API.</summary>
    public bool ManageProcess { get; set; } = true;

    /// <summary>How often the local API is read even without a log line that announces a change.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan RestartMinDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan RestartMaxDelay { get; set; } = TimeSpan.FromMinutes(5);
}
