using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Fleet.Agent.Configuration;
using Fleet.Domain.Broker;
using MQTTnet;

namespace Fleet.Agent.Publishing;

/// <summary>
/// How the broker's certificate is judged, the same for mqtts:// and wss:// (MQTTnet's WebSocket channel ignores a
/// trust chain, so every decision is made here): with <c>Mqtt:PinSha256</c>, the public key must match a pin and nothing
/// else is asked (a self-signed broker); otherwise the chain must end at a CA in <c>Mqtt:CaFile</c> (a broker with its
/// own CA) or at a system CA (Let's Encrypt), and the certificate must name the host the endpoint names.
/// </summary>
internal sealed class MqttTls
{
    private readonly IReadOnlyList<string> _pins;
    private readonly X509Certificate2Collection? _trusted;
    private readonly string? _caFile;

    public MqttTls(MqttSettings mqtt)
    {
        _pins = MqttPins.Parse(mqtt.PinSha256);
        _caFile = string.IsNullOrEmpty(mqtt.CaFile) ? null : mqtt.CaFile;
        _trusted = _caFile is null ? null : LoadCertificates(_caFile);
    }

    /// <summary>The TLS options for <paramref name="endpoint"/> (none for mqtt:// and ws://).</summary>
    public MqttClientTlsOptions For(MqttEndpoint endpoint) => !endpoint.UseTls
        ? new MqttClientTlsOptionsBuilder().UseTls(false).Build()
        : new MqttClientTlsOptionsBuilder().UseTls()
            .WithRevocationMode(X509RevocationMode.NoCheck)
            .WithCertificateValidationHandler(e => Verdict(e.Certificate, e.Chain, e.SslPolicyErrors, endpoint))
            .Build();

    /// <summary>
    /// Accepts what the rules above accept; a refusal says why and what to change (the default says only that "the
    /// callback rejected" it, which is all the log and `fleet-agent check` could show).
    /// </summary>
    internal bool Verdict(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors, MqttEndpoint endpoint)
    {
        if (certificate is null)
        {
            throw new AuthenticationException("TLS refused: the broker sent no certificate.");
        }

        if (_pins.Count > 0)
        {
            var actual = MqttPins.Of(certificate);
            return _pins.Contains(actual) ? true : throw new AuthenticationException(
                $"TLS refused: the broker's public key pin is sha256//{actual}, which is not in Agent:Mqtt:PinSha256: if the broker's key changed on purpose, add this pin there; otherwise something else answers at {endpoint.Host}:{endpoint.Port}.");
        }

        var subject = certificate.Subject;
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            throw new AuthenticationException(
                $"TLS refused: the broker's certificate ({subject}) does not name '{endpoint.Host}': the endpoint (Agent:Mqtt:Endpoints or Mqtt:Host) must use a name the certificate lists, or pin its key with Agent:Mqtt:PinSha256.");
        }

        var problem = _trusted is null
            ? errors == SslPolicyErrors.None ? null : ChainStatus(chain)
            : BuildsToTrustedCa(certificate, chain);
        return problem is null ? true : throw new AuthenticationException(
            $"TLS refused: the broker's certificate ({subject}) is not trusted ({problem}): " + (_caFile is null
                ? "for a broker with its own CA, set Mqtt:CaFile to that CA's PEM file, or pin the broker's key with Agent:Mqtt:PinSha256."
                : $"it is not signed by a CA in {_caFile}."));
    }

    /// <summary>Null when the chain ends at a CA from <c>CaFile</c>; a private CA publishes no revocation list a Pi could fetch.</summary>
    private string? BuildsToTrustedCa(X509Certificate certificate, X509Chain? presented)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_trusted!);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf) ? null : ChainStatus(chain);
    }

    private static string ChainStatus(X509Chain? chain) =>
        chain is null || chain.ChainStatus.Length == 0
            ? "no chain"
            : string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());

    /// <summary>The PEM certificates in <paramref name="file"/>; throws <see cref="InvalidDataException"/> with the reason when there are none.</summary>
    public static X509Certificate2Collection LoadCertificates(string file)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidDataException($"cannot read {file}: {ex.Message}", ex);
        }

        return certificates.Count > 0 ? certificates : throw new InvalidDataException($"{file} holds no PEM certificate (-----BEGIN CERTIFICATE-----).");
    }
}
