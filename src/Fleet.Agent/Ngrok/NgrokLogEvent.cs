namespace Fleet.Agent.Ngrok;

/// <summary>
/// One parsed ngrok log record. Use it as a trigger to re-read the agent API, which holds the structured truth;
/// <see cref="Message"/> and <see cref="Error"/> are redacted and flattened to one line.
/// </summary>
/// <param name="Level">Normalized level.</param>
/// <param name="Message">`msg`, e.g. `started tunnel`; empty when the record had none.</param>
/// <param name="Name">`name` of the tunnel, for `started tunnel`.</param>
/// <param name="Url">`url`, the public URL, for `started tunnel`.</param>
/// <param name="Addr">`addr`, always as a string: some agents write an object {"Scheme","Host"} instead.</param>
/// <param name="Error">`err`, redacted; null when absent or Go's `&lt;nil&gt;`.</param>
/// <param name="ErrorCode">`ERR_NGROK_nnn` found in `err` or `msg`.</param>
internal sealed record NgrokLogEvent(
    NgrokLogLevel Level,
    string Message,
    string? Name,
    string? Url,
    string? Addr,
    string? Error,
    string? ErrorCode)
{
    /// <summary>`obj`, the agent component (`tunnels`, `csess`, `web`, `app`, …).</summary>
    public string? Object { get; init; }

    /// <summary>A tunnel came up, at start or again after a reconnect (then with the same URL).</summary>
    public bool IsTunnelStarted => Message == "started tunnel";

    /// <summary>The API is up; <see cref="Addr"/> is where, which differs from web_addr when 4040 was taken.</summary>
    public bool IsWebServiceStarted => Message == "starting web service";

    /// <summary>The session to ngrok's servers is (again) up.</summary>
    public bool IsSessionEstablished => Message is "client session established" or "tunnel session started";

    /// <summary>The session to ngrok's servers dropped; the process stays alive and reconnects by itself.</summary>
    public bool IsSessionLost => Message is "session closed, starting reconnect loop" or "session closing";

    /// <summary>The agent is in its reconnect loop; repeated while the servers stay unreachable.</summary>
    public bool IsReconnecting =>
        Message is "session closed, starting reconnect loop" or "failed to reconnect session" or "sleep before reconnect";

    /// <summary>The agent is about to exit (`lvl=crit msg="command failed"`).</summary>
    public bool IsFatal => Level == NgrokLogLevel.Critical;

    /// <summary>Something changed that /api/tunnels, /api/endpoints or /api/status would show.</summary>
    public bool ShouldRefreshApi =>
        IsTunnelStarted || IsWebServiceStarted || IsSessionEstablished || IsSessionLost || IsReconnecting || IsFatal;
}
