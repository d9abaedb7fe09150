using System.Buffers.Binary;
using System.Text;

namespace Fleet.Api.Relays;

/// <summary>
/// An agent's OpenSSH public key as sent with a provisioning (never a private key: the API never sees one). Only the
/// type and the key itself are kept, so whatever the comment held never reaches a command line or the relay's file.
/// </summary>
internal sealed record SshPublicKey(string Type, string Blob)
{
    /// <summary>The key types infra/relay/install.sh add-key accepts.</summary>
    private static readonly string[] Types =
    [
        "ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "ssh-rsa",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    ];

    private const int MaxLength = 16 * 1024;

    public override string ToString() => $"{Type} {Blob}";

    /// <summary>The key, or null with why not.</summary>
    public static SshPublicKey? Parse(string text, out string? error)
    {
        error = null;
        if (text.Length > MaxLength || text.Contains("PRIVATE KEY", StringComparison.Ordinal))
        {
            error = "sshPublicKey must be the agent's public key (the .pub file's line); a private key never leaves the Pi.";
            return null;
        }

        var parts = text.Trim().Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || !Types.Contains(parts[0], StringComparer.Ordinal) || text.Trim().Contains('\n', StringComparison.Ordinal))
        {
            error = $"sshPublicKey must be one OpenSSH public key line, of type {string.Join(", ", Types)}.";
            return null;
        }

        if (!NamesItsType(parts[1], parts[0]))
        {
            error = "sshPublicKey: the key's base64 part is damaged or does not match its type.";
            return null;
        }

        return new SshPublicKey(parts[0], parts[1]);
    }

    // The blob starts with its own type as an SSH string (uint32 length, bytes), as ssh-keygen checks.
    private static bool NamesItsType(string blob, string type)
    {
        var bytes = new byte[blob.Length];
        if (!Convert.TryFromBase64String(blob, bytes, out var length) || length < 4)
        {
            return false;
        }

        var nameLength = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        return nameLength == type.Length && length >= 4 + nameLength && Encoding.ASCII.GetString(bytes, 4, (int)nameLength) == type;
    }
}
