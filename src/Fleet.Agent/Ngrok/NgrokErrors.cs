using System.Collections.Frozen;

namespace Fleet.Agent.Ngrok;

/// <summary>The ngrok error codes a fleet of agents on shared accounts meets; see https://ngrok.com/docs/errors/.</summary>
internal static class NgrokErrors
{
    private const string Prefix = "ERR_NGROK_";

    private static readonly FrozenDictionary<string, NgrokErrorInfo> Known = new NgrokErrorInfo[]
    {
        new("ERR_NGROK_105", "The authtoken is malformed.", RestartMayHelp: false),
        new("ERR_NGROK_107", "The authtoken is invalid or was revoked.", RestartMayHelp: false),
        new("ERR_NGROK_108", "The account's limit of simultaneous agent sessions is reached, often by an orphaned ngrok still running; a restart with backoff can succeed once the old session times out.", RestartMayHelp: true),
        new("ERR_NGROK_313", "Custom subdomains and domains need a paid plan.", RestartMayHelp: false),
        new("ERR_NGROK_334", "The endpoint URL or TCP address is already online in another agent session; a restart with backoff can succeed once that session ends.", RestartMayHelp: true),
        new("ERR_NGROK_4018", "No authtoken: ngrok requires a verified account and its authtoken.", RestartMayHelp: false),
        new("ERR_NGROK_8013", "TCP endpoints need a card on file in the ngrok account (it is not charged).", RestartMayHelp: false),
    }.ToFrozenDictionary(e => e.Code, StringComparer.OrdinalIgnoreCase);

    public static IReadOnlyCollection<NgrokErrorInfo> All => Known.Values;

    /// <param name="code">`ERR_NGROK_108`, any case, or just `108`.</param>
    /// <returns>Null for unknown codes: then a restart with backoff is the only generic answer.</returns>
    public static NgrokErrorInfo? Find(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
        {
            return null;
        }

        string trimmed = code.Trim();
        string key = trimmed.All(char.IsAsciiDigit) ? Prefix + trimmed : trimmed;
        return Known.GetValueOrDefault(key);
    }
}
