using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Relays;

/// <summary>Refuses, at start, a relay agents could not use or two relays under one name, naming the key and the fix.</summary>
internal sealed partial class RelayOptionsValidation : IValidateOptions<RelayOptions>
{
    public ValidateOptionsResult Validate(string? name, RelayOptions options)
    {
        var failures = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Relays.Count; i++)
        {
            var relay = options.Relays[i];
            var key = $"{RelayOptions.Section}:{nameof(RelayOptions.Relays)}:{i.ToString(CultureInfo.InvariantCulture)}";
            if (!RelayName().IsMatch(relay.Name))
            {
                failures.Add($"{key}:Name '{relay.Name}' must be 1-63 lower-case letters, digits and '-' (e.g. relay-1)");
            }
            else if (!names.Add(relay.Name))
            {
                failures.Add($"{key}:Name '{relay.Name}' is used by an earlier relay: give each relay its own name");
            }

            if (string.IsNullOrWhiteSpace(relay.Host) || relay.Host.Any(c => char.IsWhiteSpace(c) || c is '/' or '@'))
            {
                failures.Add($"{key}:Host must be the relay's host name or address, as agents and visitors reach it (e.g. relay.example.org)");
            }

            if (relay.SshPort is < 1 or > 65535)
            {
                failures.Add($"{key}:SshPort must be a port from 1 to 65535 (sshd's Port, default 22)");
            }

            if (!UserName().IsMatch(relay.User))
            {
                failures.Add($"{key}:User '{relay.User}' is not a user name: the relay's login (install.sh setup --user, default fleet-relay)");
            }

            if (!RelayPortRange.TryParse(relay.PortRange, out _, out _))
            {
                failures.Add($"{key}:PortRange '{relay.PortRange}' must be FROM-TO with {RelayPortRange.Lowest} <= FROM <= TO <= 65535 (e.g. 20000-29999)");
            }

            if (relay.RemoteBindAddress is { } bind && (bind.Length == 0 || bind.Any(char.IsWhiteSpace)))
            {
                failures.Add($"{key}:RemoteBindAddress must be '*' or one of the relay's addresses, or unset");
            }
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex RelayName();

    // install.sh's own check of --user.
    [GeneratedRegex("^[a-z_][a-z0-9_-]{0,31}$")]
    private static partial Regex UserName();
}
