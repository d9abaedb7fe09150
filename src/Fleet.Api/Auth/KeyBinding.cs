using System.Security.Cryptography;
using System.Text;

namespace Fleet.Api.Auth;

/// <summary>
/// What ties a session (and an open stream) to the exact key it came from: a fingerprint of the key's SHA-256, never
/// the key. A key rotated under the same name has a new hash, so a new binding, and the sessions of the old one end.
/// </summary>
internal static class KeyBinding
{
    public const string ClaimType = "fleet:key-binding";

    /// <summary>128 bits of SHA-256 over a domain label and the key's hash: stored in session rows, useless for signing in.</summary>
    public static string Of(string sha256Hex) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("fleet-key-binding:" + sha256Hex.ToLowerInvariant())))[..32];
}
