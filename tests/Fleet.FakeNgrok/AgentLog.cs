using System.Collections.Frozen;

namespace Fleet.FakeNgrok;

/// <summary>The record sequences ngrok writes at start, on a session drop and reconnect, and when it gives up.</summary>
internal sealed class AgentLog(NgrokLogWriter log, string? authtoken = null)
{
    // Texts as ngrok's `err` carries them: a sentence, a blank line, the code.
    private static readonly FrozenDictionary<string, string> ErrorTexts = new Dictionary<string, string>
    {
        ["ERR_NGROK_105"] = "authentication failed: The authtoken you specified does not look like a proper ngrok tunnel authtoken.\nYour authtoken: {authtoken}",
        ["ERR_NGROK_107"] = "authentication failed: The authtoken you specified is properly formed, but it is invalid.",
        ["ERR_NGROK_108"] = "authentication failed: Your account is limited to 3 simultaneous ngrok agent sessions.",
        ["ERR_NGROK_334"] = "failed to start tunnel: The endpoint is already online. Either\n1. stop your existing endpoint first, or\n2. start both endpoints with `--pooling-enabled` to load balance between them.",
        ["ERR_NGROK_4018"] = "authentication failed: Usage of ngrok requires a verified account and authtoken.",
        ["ERR_NGROK_8013"] = "failed to start tunnel: You must add a credit or debit card before you can use TCP endpoints on a free account.",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly string _sessionId = TunnelTable.Hex(6);

    public void ConfigOpened(string path) => log.Write("info", "open config file", "config", ("path", path), ("err", "<nil>"));

    public void WebServiceStarted(string addr) => log.Write("info", "starting web service", "web", ("addr", addr));

    public void SessionEstablished()
    {
        log.Write("info", "tunnel session started", "tunnels.session");
        log.Write("info", "client session established", "csess", ("id", _sessionId));
    }

    /// <summary>One `started tunnel` per tunnel; `addr` alternates between a string and an object, as agent versions do.</summary>
    public void TunnelsStarted(IEnumerable<FakeTunnel> tunnels)
    {
        int index = 0;
        foreach (FakeTunnel tunnel in tunnels)
        {
            string scheme = tunnel.Spec.Proto == "http" ? "http" : "tcp";
            object addr = index++ % 2 == 0 ? $"{scheme}://{tunnel.Spec.Addr}" : new LogAddr(scheme, tunnel.Spec.Addr);
            log.Write("info", "started tunnel", "tunnels", ("name", tunnel.Name), ("addr", addr), ("url", tunnel.Url));
        }
    }

    public void SessionLost() =>
        log.Write("eror", "session closed, starting reconnect loop", "csess", ("id", _sessionId), ("err", "read EOF from remote peer"));

    /// <summary>The record before ngrok exits; the console lines go to stderr, as the CLI prints them.</summary>
    public void CommandFailed(string code)
    {
        // ngrok prints the configured authtoken back in ERR_NGROK_105: the agent has to mask it wherever it logs.
        string text = (ErrorTexts.GetValueOrDefault(code) ?? "failed to start tunnel: simulated failure.")
            .Replace("{authtoken}", authtoken ?? "fake-not-a-token-0000", StringComparison.Ordinal);
        log.Write("crit", "command failed", "app", ("err", $"{text}\r\n\r\n{code.ToUpperInvariant()}\r\n"));
        foreach (string line in text.Split('\n'))
        {
            Console.Error.WriteLine("ERROR:  " + line);
        }

        Console.Error.WriteLine("ERROR:  " + code.ToUpperInvariant());
    }

    public void BindFailed(string addr) =>
        log.Write("crit", "command failed", "app", ("err", $"listen tcp {addr}: bind: address already in use"));
}
