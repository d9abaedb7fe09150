namespace Fleet.Agent.Ngrok;

/// <summary>What a known ngrok error code means for a supervisor.</summary>
/// <param name="Code">`ERR_NGROK_nnn`.</param>
/// <param name="Summary">One short, factual sentence for logs and status.</param>
/// <param name="RestartMayHelp">False when restarting ngrok cannot succeed until a person changes something.</param>
internal sealed record NgrokErrorInfo(string Code, string Summary, bool RestartMayHelp);
