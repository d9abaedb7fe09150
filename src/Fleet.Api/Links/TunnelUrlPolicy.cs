using Fleet.Api.Ingest;
using Fleet.Domain.Validation;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Links;

/// <summary>
/// The operator's part of the tunnel URL rule (Ingest:AllowedHostSuffixes, Ingest:AllowedNetworks), turned into the
/// <see cref="UrlPolicy"/> that ingest and <c>/d/{id}</c> both apply. In Production an unset host-suffix list means the
/// tunnel providers' own domains, so a detector cannot make the permanent links lead anywhere else by default.
/// </summary>
public static partial class TunnelUrlPolicy
{
    /// <summary>An entry that switches the host-suffix list off (any public host).</summary>
    public const string AnyHost = "*";

    /// <summary>ngrok's free, dev and paid domains (tcp endpoints are *.tcp.ngrok.io) and Cloudflare's quick tunnels.</summary>
    public static IReadOnlyList<string> ProductionDefaultSuffixes { get; } =
        [".ngrok-free.app", ".ngrok-free.dev", ".ngrok.app", ".ngrok.dev", ".ngrok.io", ".trycloudflare.com"];

    public static UrlPolicy For(IngestOptions options) => new(
        options.AllowedHostSuffixes.Contains(AnyHost) ? [] : options.AllowedHostSuffixes,
        [.. options.AllowedNetworks.Select(n => UrlPolicy.ParseNetwork(n) ?? throw new OptionsValidationException(
            IngestOptions.Section, typeof(IngestOptions), [NetworkError(n)]))]);

    public static IHostApplicationBuilder AddFleetLinks(this IHostApplicationBuilder builder)
    {
        var production = builder.Environment.IsProduction();
        builder.Services.AddOptions<IngestOptions>()
            .PostConfigure(o =>
            {
                if (production && o.AllowedHostSuffixes.Count == 0)
                {
                    o.AllowedHostSuffixes.AddRange(ProductionDefaultSuffixes);
                }
            })
            .Validate(o => o.AllowedNetworks.All(n => UrlPolicy.ParseNetwork(n) is not null),
                "Ingest:AllowedNetworks holds an entry that is not a network: write CIDR like 192.168.1.0/24 or a single address like 203.0.113.7.")
            .Validate(o => o.AllowedHostSuffixes.All(s => s.Trim().TrimStart('.').Length > 0),
                "Ingest:AllowedHostSuffixes holds an empty entry: write a domain like .ngrok-free.app, or * to switch the list off.");
        return builder;
    }

    /// <summary>Says at start, loudly, when Production runs without a host-suffix list.</summary>
    public static void WarnWhenUnrestricted(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<IngestOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TunnelUrlPolicy).FullName!);
        if (app.Environment.IsProduction() && For(options).AllowedHostSuffixes.Count == 0)
        {
            LogUnrestricted(logger);
        }

        if (options.AllowedNetworks.Count > 0)
        {
            LogNetworks(logger, options.AllowedNetworks);
        }
    }

    private static string NetworkError(string entry) =>
        $"Ingest:AllowedNetworks entry '{entry}' is not a network: write CIDR like 192.168.1.0/24 or a single address.";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ingest:AllowedHostSuffixes is off ('*'): detectors may publish tunnel URLs on any public host " +
        "and /d/{{id}} redirects there. List your tunnel providers' domains (default: .ngrok-free.app, .ngrok-free.dev, .ngrok.app, .ngrok.dev, " +
        ".ngrok.io, .trycloudflare.com) and your relay's domain instead.")]
    private static partial void LogUnrestricted(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tunnel URLs may use private addresses in Ingest:AllowedNetworks: {Networks}")]
    private static partial void LogNetworks(ILogger logger, List<string> networks);
}
