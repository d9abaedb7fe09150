using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Fleet.Agent.Configuration;
using Fleet.Agent.Publishing;
using Fleet.Domain.Messages;
using Fleet.Domain.Reachability;
using Microsoft.Extensions.Options;

namespace Fleet.Agent.Checks;

/// <summary>
/// Checks one tunnel: the local service behind it and its public URL, at the same time, so one check costs at most one
/// timeout. The merge: the local service does not answer → <c>upstream-down</c>; else what the URL said.
/// </summary>
internal sealed class TunnelChecker : IDisposable
{
    private readonly Prober _public;
    private readonly Prober _upstream;
    private readonly TimeProvider _clock;

    public TunnelChecker(IOptions<AgentOptions> options, TimeProvider clock)
    {
        var settings = options.Value.Checks;
        var connector = new CheckConnector([.. settings.Resolve.Select(ResolveRules.Parse)]);
        var extraCas = string.IsNullOrEmpty(settings.CaFile) ? null : MqttTls.LoadCertificates(settings.CaFile);
        _public = new Prober(connector, settings.Timeout, clock, (_, certificate, _, errors) => Trusted(certificate, errors, extraCas));
        _upstream = new Prober(connector, settings.Timeout, clock, validateCertificate: null);
        _clock = clock;
    }

    /// <returns>Null when the tunnel's URL cannot be checked (not an absolute URL with a host and port).</returns>
    public async Task<TunnelCheck?> CheckAsync(TunnelReport tunnel, CancellationToken ct)
    {
        if (CheckTarget.ForUrl(tunnel.Url) is not { Port: > 0 } target)
        {
            return null;
        }

        var upstreamTarget = CheckTarget.ForUpstream(tunnel.Upstream, tunnel.Proto);
        // Both start before either is awaited: one check costs at most one timeout.
        var through = ProbeAsync(_public, target, ct);
        var upstream = upstreamTarget is null ? null : ProbeAsync(_upstream, upstreamTarget, ct);
        var result = await through;
        var upstreamDown = upstream is not null && !Answered(await upstream);
        return new TunnelCheck
        {
            Outcome = upstreamDown ? CheckOutcomes.UpstreamDown : result.Outcome,
            // The edge's code only where it names the outcome: a local failure with the edge saying ERR_NGROK_3200 is
            // upstream-down, and pairing it with 3200 would read as a contradiction.
            Code = upstreamDown && result.Outcome != CheckOutcomes.UpstreamDown ? null : result.Code,
            HttpStatus = result.HttpStatus,
            LatencyMs = (int)Math.Min(int.MaxValue, result.Latency.TotalMilliseconds),
            CheckedAt = _clock.GetUtcNow(),
        };
    }

    public void Dispose()
    {
        _public.Dispose();
        _upstream.Dispose();
    }

    private static async Task<ProbeResult> ProbeAsync(Prober prober, CheckTarget target, CancellationToken ct) =>
        target.Http is { } http ? await prober.GetAsync(http, ct) : await prober.ConnectAsync(target.Host, target.Port, ct);

    // Any HTTP status from the local service is an answer; so is an odd answer (edge-error here means "not HTTP as
    // expected"), since something accepted the connection and spoke.
    private static bool Answered(ProbeResult local) => local.HttpStatus is not null || local.Outcome is CheckOutcomes.Ok or CheckOutcomes.EdgeError;

    /// <summary>The system's trust, or else a chain to one of Checks:CaFile's CAs (the host name must match either way).</summary>
    private static bool Trusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection? extraCas)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (extraCas is null || errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(extraCas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return certificate is X509Certificate2 leaf && chain.Build(leaf);
    }
}
