using Fleet.Agent.Publishing;

namespace Fleet.Agent.Commands;

/// <summary>`fleet-agent status`: what the running agent publishes right now, from its status file.</summary>
internal static class StatusCommand
{
    public static int Run(string[] args)
    {
        var (options, _, _) = AgentConfigLoader.Load([.. args.Where(a => a != "--json")]);
        var path = Path.Combine(options.StateDirectory, "status.json");
        var status = AgentStatusFile.Read(path);
        if (status is null)
        {
            Console.Error.WriteLine($"No status yet: {path} does not exist (is the agent running? systemctl status fleet-agent).");
            return 1;
        }

        if (args.Contains("--json"))
        {
            Console.WriteLine(File.ReadAllText(path));
            return 0;
        }

        Console.WriteLine($"detector   {status.DetectorId}");
        Console.WriteLine($"broker     {status.Broker}: {(status.Connected ? $"connected since {status.ConnectedSince:u}" : "not connected")}");
        if (status.LastError is { } error)
        {
            Console.WriteLine($"last error {error}");
        }

        Console.WriteLine($"published  epoch {status.Epoch?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, seq {status.Seq?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"}, at {status.LastPublishedAt:u}");
        if (status.Provider is { } provider)
        {
            Console.WriteLine($"provider   {provider.Kind} {provider.Version} {provider.State}, {provider.Restarts} restart(s){(provider.Error is null ? string.Empty : $", error {provider.Error}")}");
            if (provider.Reason is not null)
            {
                Console.WriteLine($"active     {provider.Reason} since {provider.Since:u}{(provider.NgrokAccount is null ? string.Empty : $", ngrok account {provider.NgrokAccount}")}");
            }
        }

        foreach (var tunnel in status.Tunnels)
        {
            Console.WriteLine($"tunnel     {tunnel.Name,-12} {tunnel.Url}  -> {tunnel.Upstream}");
            if (tunnel.Check is { } check)
            {
                Console.WriteLine($"  check    {Describe(check)}");
            }
        }

        if (status.Health is { } health)
        {
            Console.WriteLine($"health     {health.Status}{(health.Facts is { } facts ? $" ({DescribeFacts(facts)})" : string.Empty)}");
            foreach (var check in health.Checks)
            {
                Console.WriteLine($"  {check.Name,-10} {Describe(check)}");
            }
        }

        Console.WriteLine($"updated    {status.UpdatedAt:u}");
        return 0;
    }

    /// <summary>"fail: acquisition stopped (value 0) at 2026-12-05 10:00:00Z".</summary>
    internal static string Describe(Fleet.Domain.Messages.HealthCheckResult check) =>
        FormattableString.Invariant(
            $"{check.Outcome}{(check.Text is null ? string.Empty : $": {check.Text}")}{(check.Value is { } value ? $" (value {value})" : string.Empty)}{(check.CheckedAt is { } at ? $" at {at:u}" : string.Empty)}");

    /// <summary>"up 3.2 h, disk 12.5 GB free, 48.3 °C, load 0.12" (only the facts that were read).</summary>
    internal static string DescribeFacts(Fleet.Domain.Messages.HealthFacts facts)
    {
        var parts = new List<string>();
        if (facts.UptimeSeconds is { } uptime)
        {
            parts.Add(FormattableString.Invariant($"up {uptime / 3600.0:0.0} h"));
        }

        if (facts.DiskFreeBytes is { } disk)
        {
            parts.Add(FormattableString.Invariant($"disk {disk / 1e9:0.0} GB free"));
        }

        if (facts.CpuTemperatureC is { } temperature)
        {
            parts.Add(FormattableString.Invariant($"{temperature:0.0} °C"));
        }

        if (facts.Throttled is { } throttled)
        {
            parts.Add($"throttled {throttled}");
        }

        if (facts.Load is [var load, ..])
        {
            parts.Add(FormattableString.Invariant($"load {load:0.00}"));
        }

        if (facts.PublicIp is { } ip)
        {
            parts.Add($"public IP {ip}");
        }

        return string.Join(", ", parts);
    }

    /// <summary>"upstream-down (ERR_NGROK_8012, HTTP 502) in 84 ms at 2026-11-28 09:59:58Z".</summary>
    internal static string Describe(Fleet.Domain.Messages.TunnelCheck check)
    {
        var details = new List<string>();
        if (check.Code is { } code)
        {
            details.Add(code);
        }

        if (check.HttpStatus is { } status)
        {
            details.Add(FormattableString.Invariant($"HTTP {status}"));
        }

        var text = check.Outcome + (details.Count > 0 ? $" ({string.Join(", ", details)})" : string.Empty);
        return FormattableString.Invariant($"{text} in {check.LatencyMs ?? 0} ms at {check.CheckedAt:u}");
    }
}
