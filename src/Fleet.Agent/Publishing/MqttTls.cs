using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Fleet.Agent.Configuration;
using MQTTnet;

namespace Fleet.Agent.Publishing;

/// <summary>
/// TLS to the broker as configured: the system's CAs (a broker with a public certificate, e.g. Let's Encrypt), or only
/// the CAs in <c>Mqtt:CaFile</c> (a broker with its own CA). The broker's host name is checked against its
/// certificate either way.
/// </summary>
internal static class MqttTls
{
    public static MqttClientOptionsBuilder Apply(MqttClientOptionsBuilder builder, MqttSettings mqtt)
    {
        if (!mqtt.UseTls)
        {
            return builder;
        }

        if (string.IsNullOrEmpty(mqtt.CaFile))
        {
            return builder.WithTlsOptions(tls => tls.UseTls().WithCertificateValidationHandler(e => Verdict(e, mqtt)));
        }

        // A private CA publishes no revocation list a Pi could fetch; the chain must still end at one of these CAs.
        var trusted = LoadCertificates(mqtt.CaFile);
        return builder.WithTlsOptions(tls => tls.UseTls()
            .WithTrustChain(trusted)
            .WithRevocationMode(X509RevocationMode.NoCheck)
            .WithCertificateValidationHandler(e => Verdict(e, mqtt)));
    }

    /// <summary>
    /// Accepts only a certificate without errors, as the default would; a refusal says why and what to change, where
    /// the default says only that "the callback rejected" it (which is all the log and `fleet-agent check` could show).
    /// </summary>
    private static bool Verdict(MqttClientCertificateValidationEventArgs e, MqttSettings mqtt)
    {
        if (e.SslPolicyErrors == SslPolicyErrors.None)
        {
            return true;
        }

        var subject = e.Certificate?.Subject ?? "none";
        var reason = e.SslPolicyErrors switch
        {
            var x when x.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) => "the broker sent no certificate",
            var x when x.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) =>
                $"the broker's certificate ({subject}) does not name '{mqtt.Host}': Mqtt:Host must be a name the certificate lists",
            _ => $"the broker's certificate ({subject}) is not trusted ({ChainStatus(e.Chain)}): " + (string.IsNullOrEmpty(mqtt.CaFile)
                ? "for a broker with its own CA, set Mqtt:CaFile to that CA's PEM file"
                : $"it is not signed by a CA in {mqtt.CaFile}"),
        };
        throw new AuthenticationException($"TLS refused: {reason}.");
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
