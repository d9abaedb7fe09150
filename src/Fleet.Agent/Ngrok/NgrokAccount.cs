using System.Security.Cryptography;
using System.Text;
using Fleet.Agent.Configuration;

namespace Fleet.Agent.Ngrok;

/// <summary>
/// A fingerprint of the ngrok account a detector uses, so an operator sees which detectors share one account (and its
/// limit of agent sessions, ERR_NGROK_108): <c>sha256:</c> and the first 16 hex digits of the SHA-256 of the
/// authtoken. The token itself never leaves this class; 64 bits of a hash tell accounts apart without revealing it.
/// </summary>
internal static class NgrokAccount
{
    public const string Prefix = "sha256:";

    public static string Fingerprint(string authtoken)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(authtoken.Trim()));
        return Prefix + Convert.ToHexStringLower(hash, 0, 8);
    }

    /// <summary>
    /// The account of the configured ngrok: the NGROK_AUTHTOKEN environment variable, else the last config file that
    /// holds an authtoken (later files override earlier ones, as ngrok reads them); null when there is none.
    /// </summary>
    public static string? Of(NgrokSettings settings)
    {
        var token = Environment.GetEnvironmentVariable("NGROK_AUTHTOKEN");
        if (string.IsNullOrWhiteSpace(token))
        {
            token = settings.EffectiveConfigFiles.Select(NgrokConfig.AuthtokenIn).LastOrDefault(t => t is not null);
        }

        return string.IsNullOrWhiteSpace(token) ? null : Fingerprint(token);
    }
}
