using System.Security.Cryptography;
using System.Text;

namespace Fleet.Api.Auth;

/// <summary>
/// Hashing for machine-generated secrets (API keys, detector credentials). They carry at least 128 random bits,
/// so a plain SHA-256 is as safe as a slow password hash while keeping a reconnect storm of thousands of
/// detectors cheap; comparisons are constant-time.
/// </summary>
public static class SecretHash
{
    public static string Sha256Hex(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public static bool Matches(string secret, string expectedSha256Hex)
    {
        var actual = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        byte[] expected;
        try
        {
            expected = Convert.FromHexString(expectedSha256Hex);
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    /// <summary>A new random secret of 192 bits, URL-safe.</summary>
    public static string NewSecret() => Base64UrlEncode(RandomNumberGenerator.GetBytes(24));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
