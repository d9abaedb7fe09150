using Fleet.Domain.Reachability;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Reachability;

/// <summary>Checks each Probe:Resolve entry at start with the shared --resolve parser, naming the entry, what is wrong and the fix.</summary>
internal sealed class ProbeResolveValidation : IValidateOptions<ProbeOptions>
{
    public ValidateOptionsResult Validate(string? name, ProbeOptions options)
    {
        var errors = new List<string>();
        foreach (var entry in options.Resolve)
        {
            if (!ResolveRules.TryParse(entry, out var rule, out var error))
            {
                errors.Add($"Probe:Resolve entry '{entry}' {error}: write {ResolveRules.Format}.");
            }
            else if (rule.TargetPort is { } target)
            {
                // The egress policy checks and connects to the URL's own port; another port would bypass what it checked.
                errors.Add($"Probe:Resolve entry '{entry}' names a port to connect to ({target}), which the probe does not take: drop the last ':{target}'.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
