using System.Globalization;

using YamlDotNet.RepresentationModel;

namespace Fleet.FakeNgrok;

/// <summary>The config files merged the way ngrok does: later files override settings and add tunnels.</summary>
internal sealed record FakeConfig(string WebAddr, bool WebDisabled, string? LogTarget, string? LogFormat, IReadOnlyList<FakeTunnelSpec> Tunnels)
{
    /// <summary>Only ever echoed back in ERR_NGROK_105, as ngrok does: the agent must mask it in its logs.</summary>
    public string? Authtoken { get; init; }

    public const string DefaultWebAddr = "127.0.0.1:4040";

    public static FakeConfig Load(IEnumerable<string> paths)
    {
        string webAddr = DefaultWebAddr;
        string? log = null;
        string? logFormat = null;
        string? authtoken = null;
        List<FakeTunnelSpec> tunnels = [];
        foreach (string path in paths)
        {
            YamlStream yaml = [];
            using (StreamReader reader = File.OpenText(path))
            {
                yaml.Load(reader);
            }

            if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
            {
                continue;
            }

            YamlMappingNode? agent = Child(root, "agent") as YamlMappingNode;
            string? Setting(string key) => Text(Child(agent, key)) ?? Text(Child(root, key));
            webAddr = Setting("web_addr") ?? webAddr;
            log = Setting("log") ?? log;
            logFormat = Setting("log_format") ?? logFormat;
            authtoken = Setting("authtoken") ?? authtoken;

            if (Child(root, "tunnels") is YamlMappingNode map)
            {
                tunnels.AddRange(map.Children.Select(t => FromTunnel(Text(t.Key) ?? "", t.Value as YamlMappingNode)));
            }

            if (Child(root, "endpoints") is YamlSequenceNode list)
            {
                tunnels.AddRange(list.Children.OfType<YamlMappingNode>().Select(FromEndpoint));
            }
        }

        bool disabled = webAddr.Equals("false", StringComparison.OrdinalIgnoreCase);
        return new FakeConfig(webAddr, disabled, log, logFormat, tunnels) { Authtoken = authtoken };
    }

    private static FakeTunnelSpec FromTunnel(string name, YamlMappingNode? tunnel)
    {
        string proto = Text(Child(tunnel, "proto")) ?? "http";
        string addr = Upstream(Text(Child(tunnel, "addr")) ?? "80");
        string? fixedUrl = proto switch
        {
            "tcp" => Text(Child(tunnel, "remote_addr")) is { } remote ? "tcp://" + remote : null,
            _ => (Text(Child(tunnel, "domain")) ?? Text(Child(tunnel, "hostname"))) is { } domain ? $"{(proto == "tls" ? "tls" : "https")}://{domain}" : null,
        };
        return new FakeTunnelSpec(name, proto, addr, fixedUrl);
    }

    // v3 `url:` is a full URL, a bare domain, a scheme only (random address) or empty (random https).
    private static FakeTunnelSpec FromEndpoint(YamlMappingNode endpoint)
    {
        string name = Text(Child(endpoint, "name")) ?? "";
        string url = Text(Child(endpoint, "url")) ?? "";
        string addr = Upstream(Text(Child(Child(endpoint, "upstream"), "url")) ?? "80");
        int schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        string scheme = schemeEnd > 0 ? url[..schemeEnd] : "https";
        string proto = scheme is "https" or "http" ? "http" : scheme;
        string? fixedUrl = url.Length == 0 || (schemeEnd > 0 && schemeEnd + 3 == url.Length) ? null
            : schemeEnd > 0 ? url : "https://" + url;
        return new FakeTunnelSpec(name, proto, addr, fixedUrl);
    }

    // ngrok accepts a port, host:port or a URL; the API shows host:port (or the URL as given).
    private static string Upstream(string addr) =>
        int.TryParse(addr, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? "localhost:" + addr : addr;

    private static YamlNode? Child(YamlNode? node, string key) =>
        node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? value) ? value : null;

    private static string? Text(YamlNode? node) =>
        node is YamlScalarNode { Value: { Length: > 0 } value } && value is not ("~" or "null") ? value : null;
}
