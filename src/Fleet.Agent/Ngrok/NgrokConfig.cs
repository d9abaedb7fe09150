using System.Globalization;

using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Fleet.Agent.Ngrok;

/// <summary>
/// What the agent needs to know from an ngrok config file (v2 or v3). The authtoken is only checked for
/// presence: its value is never read into this object, so it cannot leak through it. <see cref="SecretsIn"/> reads
/// it for one purpose only: masking it in what ngrok writes (ERR_NGROK_105 prints the authtoken back).
/// </summary>
internal sealed class NgrokConfig
{
    /// <summary>Config files are a few KB; a bound on what a wrong path can make us read.</summary>
    public const long MaxFileBytes = 1024 * 1024;

    private static readonly string[] SecretKeys = ["authtoken", "api_key"];

    private NgrokConfig()
    {
    }

    /// <summary>2 or 3; a file without `version` is treated as 2.</summary>
    public int Version { get; private init; } = 2;

    /// <summary>`web_addr` as written (v2 top level; v3 under `agent:`, or top level); null when absent.</summary>
    public string? WebAddr { get; private init; }

    /// <summary>`log`: `stdout`, `stderr`, `false` or a path.</summary>
    public string? LogTarget { get; private init; }

    public string? LogLevel { get; private init; }

    /// <summary>`log_format`: `logfmt`, `json` or `term`.</summary>
    public string? LogFormat { get; private init; }

    /// <summary>Keys of the `tunnels:` map (v2, and deprecated in v3), in file order.</summary>
    public IReadOnlyList<string> TunnelNames { get; private init; } = [];

    /// <summary>`name` of each `endpoints:` entry (v3 only), in file order.</summary>
    public IReadOnlyList<string> EndpointNames { get; private init; } = [];

    public bool HasAuthtoken { get; private init; }

    /// <summary>The agent API's base address from web_addr; the default 127.0.0.1:4040 if absent or unusable.</summary>
    public Uri ApiBaseAddress =>
        (WebAddr is null || !NgrokWebAddr.TryParse(WebAddr, out NgrokWebAddr addr) ? NgrokWebAddr.Default : addr).ApiBaseAddress;

    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is too large, not YAML, or not an ngrok config.</exception>
    public static NgrokConfig Load(string path)
    {
        FileInfo file = new(path);
        if (!file.Exists)
        {
            throw new FileNotFoundException($"ngrok config {path} does not exist", path);
        }

        if (file.Length > MaxFileBytes)
        {
            throw new InvalidDataException($"ngrok config {path} is larger than {MaxFileBytes} bytes");
        }

        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>The secret values in a config file (`authtoken`, `api_key`), to be masked; empty if it cannot be read.</summary>
    public static IReadOnlyList<string> SecretsIn(string path)
    {
        try
        {
            FileInfo file = new(path);
            if (!file.Exists || file.Length > MaxFileBytes)
            {
                return [];
            }

            YamlMappingNode? root = ReadRoot(File.ReadAllText(path), path);
            YamlMappingNode? agent = YamlNodes.Map(YamlNodes.Child(root, "agent"));
            return [.. SecretKeys
                .SelectMany(key => new[] { YamlNodes.Text(YamlNodes.Child(agent, key)), YamlNodes.Text(YamlNodes.Child(root, key)) })
                .OfType<string>()
                .Where(value => !string.IsNullOrWhiteSpace(value))];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return [];
        }
    }

    /// <summary>The file's authtoken (under `agent:` or at the top level), or null; only for <see cref="NgrokAccount"/>.</summary>
    public static string? AuthtokenIn(string path)
    {
        try
        {
            FileInfo file = new(path);
            if (!file.Exists || file.Length > MaxFileBytes)
            {
                return null;
            }

            YamlMappingNode? root = ReadRoot(File.ReadAllText(path), path);
            string? token = YamlNodes.Text(YamlNodes.Child(YamlNodes.Map(YamlNodes.Child(root, "agent")), "authtoken")) ?? YamlNodes.Text(YamlNodes.Child(root, "authtoken"));
            return string.IsNullOrWhiteSpace(token) ? null : token.Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return null;
        }
    }

    /// <param name="source">Names the file in error messages.</param>
    public static NgrokConfig Parse(string yaml, string source)
    {
        YamlMappingNode? root = ReadRoot(yaml, source);
        int version = ParseVersion(YamlNodes.Text(YamlNodes.Child(root, "version")), source);

        // v3 moved agent settings under `agent:`; ngrok still reads them at the top level, so fall back to it.
        YamlMappingNode? agent = version >= 3 ? YamlNodes.Map(YamlNodes.Child(root, "agent")) : null;
        string? Setting(string key) => YamlNodes.Text(YamlNodes.Child(agent, key) ?? YamlNodes.Child(root, key));

        return new NgrokConfig
        {
            Version = version,
            WebAddr = Setting("web_addr"),
            LogTarget = Setting("log"),
            LogLevel = Setting("log_level"),
            LogFormat = Setting("log_format"),
            HasAuthtoken = !string.IsNullOrWhiteSpace(Setting("authtoken")),
            TunnelNames = TunnelNamesOf(YamlNodes.Child(root, "tunnels")),
            EndpointNames = version >= 3 ? EndpointNamesOf(YamlNodes.Child(root, "endpoints")) : [],
        };
    }

    /// <summary>
    /// Null when the API binds loopback only. The API has no authentication, so a bind on 0.0.0.0, a LAN
    /// address or a host name would let the network start and stop tunnels: the agent refuses to run so.
    /// </summary>
    public string? ValidateWebAddrIsLoopback()
    {
        if (WebAddr is null)
        {
            return null;
        }

        if (WebAddr.Trim().Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            return "web_addr is false: the agent API is disabled, and the agent reads tunnel URLs from it";
        }

        if (!NgrokWebAddr.TryParse(WebAddr, out NgrokWebAddr addr))
        {
            return $"web_addr '{WebAddr}' is not a host:port address";
        }

        return addr.IsLoopback
            ? null
            : $"web_addr '{WebAddr}' binds a non-loopback interface; ngrok's agent API has no authentication, use 127.0.0.1:<port>";
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"ngrok config v{Version}, web_addr {WebAddr ?? "(default)"}, tunnels [{string.Join(", ", TunnelNames)}], endpoints [{string.Join(", ", EndpointNames)}], authtoken {(HasAuthtoken ? "present" : "absent")}");

    private static YamlMappingNode? ReadRoot(string yaml, string source)
    {
        YamlStream stream = [];
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException ex)
        {
            // YamlDotNet's messages are fixed texts plus positions, so the cause can be kept.
            throw new InvalidDataException(
                string.Create(CultureInfo.InvariantCulture, $"ngrok config {source} is not valid YAML (line {ex.Start.Line}, column {ex.Start.Column})"), ex);
        }

        if (stream.Documents.Count == 0)
        {
            return null;
        }

        return stream.Documents[0].RootNode switch
        {
            YamlMappingNode map => map,
            YamlScalarNode scalar when YamlNodes.Text(scalar) is null => null,
            _ => throw new InvalidDataException($"ngrok config {source} is not a YAML mapping"),
        };
    }

    private static int ParseVersion(string? text, string source) => text?.Trim() switch
    {
        null => 2,
        "2" => 2,
        "3" => 3,
        _ => throw new InvalidDataException($"ngrok config {source}: version must be 2 or 3, not '{text}'"),
    };

    private static List<string> TunnelNamesOf(YamlNode? tunnels) =>
        tunnels is YamlMappingNode map
            ? [.. map.Children.Keys.Select(YamlNodes.Text).OfType<string>()]
            : [];

    private static List<string> EndpointNamesOf(YamlNode? endpoints) =>
        endpoints is YamlSequenceNode list
            ? [.. list.Children.Select(e => YamlNodes.Text(YamlNodes.Child(YamlNodes.Map(e), "name"))).OfType<string>()]
            : [];
}
