using System.Globalization;
using Fleet.Api.Startup;

namespace Fleet.Api.Auth;

/// <summary>
/// What a configured API key must look like to be usable: a key with an unknown role or a hash that is not a SHA-256
/// would otherwise load and then refuse every request. Checked at start (<see cref="StartupChecks"/>); not as options
/// validation, because a reloaded file with a typo must not take the running API down (the store then simply has
/// no match for that key).
/// </summary>
internal static class ApiKeyRules
{
    private const int Sha256HexLength = 64;

    /// <summary>Throws <see cref="ConfigurationProblemException"/> for the first unusable key, naming its index.</summary>
    public static void Check(AuthOptions options)
    {
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            var key = options.ApiKeys[i];
            var prefix = string.Create(CultureInfo.InvariantCulture, $"{AuthOptions.Section}:ApiKeys:{i}");
            if (key.Role is not (Roles.Reader or Roles.Admin))
            {
                throw new ConfigurationProblemException(
                    $"{prefix}:Role", $"'{key.Role}' is not a role", $"Use {Roles.Reader} or {Roles.Admin} (lower case).");
            }

            if (key.Sha256 is { } hash && (hash.Length != Sha256HexLength || !hash.All(char.IsAsciiHexDigit)))
            {
                // The value is not repeated: it may be the key itself put under the wrong name.
                throw new ConfigurationProblemException(
                    $"{prefix}:Sha256", "is not a SHA-256 hash (64 hexadecimal characters)",
                    $"Put the hash of the key there (sha256sum), or the key itself under {prefix}:Key from a secret store.");
            }

            if (key.Sha256 is null && string.IsNullOrEmpty(key.Key))
            {
                throw new ConfigurationProblemException(
                    $"{prefix}:Sha256", "is missing (and so is Key)", $"Set {prefix}:Sha256 to the key's SHA-256, or {prefix}:Key from a secret store.");
            }

            if (string.IsNullOrWhiteSpace(key.Name))
            {
                throw new ConfigurationProblemException($"{prefix}:Name", "is missing", "Give each key a name; it appears in logs instead of the key.");
            }
        }
    }
}
