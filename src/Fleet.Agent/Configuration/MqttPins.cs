using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Fleet.Agent.Configuration;

/// <summary>
/// <c>Agent:Mqtt:PinSha256</c>: base64 SHA-256 hashes of the broker's SubjectPublicKeyInfo, as
/// <c>openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64</c>
/// prints them or as curl's <c>--pinnedpubkey sha256//…</c> takes them; several separated by <c>;</c> or <c>,</c> (the
/// key of the 8883 listener and the one of the HTTPS front, or today's key and the next one during a key change).
/// </summary>
public static class MqttPins
{
    private const string Key = "Agent:Mqtt:PinSha256";

    /// <summary>The pins, each as 32 bytes in base64; empty when none is configured.</summary>
    public static IReadOnlyList<string> Parse(string? value, List<string>? errors = null)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return [];
        }

        List<string> pins = [];
        foreach (var part in value.Split([';', ',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pin = part.StartsWith("sha256//", StringComparison.OrdinalIgnoreCase) ? part["sha256//".Length..] : part;
            var bytes = new byte[48];
            if (Convert.TryFromBase64String(pin, bytes, out var length) && length == SHA256.HashSizeInBytes)
            {
                pins.Add(Convert.ToBase64String(bytes, 0, length));
            }
            else
            {
                errors?.Add($"{Key}: '{part}' is not a base64 SHA-256 (44 characters ending in '='): print the broker's with "
                    + "openssl s_client -connect HOST:PORT </dev/null | openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64");
            }
        }

        return pins;
    }

    /// <summary>The pin of <paramref name="certificate"/>'s public key (public information, safe to show).</summary>
    public static string Of(X509Certificate certificate)
    {
        using var full = certificate as X509Certificate2 ?? new X509Certificate2(certificate);
        return Convert.ToBase64String(SHA256.HashData(full.PublicKey.ExportSubjectPublicKeyInfo()));
    }
}
