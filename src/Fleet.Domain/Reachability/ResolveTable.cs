namespace Fleet.Domain.Reachability;

/// <summary>
/// Resolve rules indexed by host, for a long list (a test or benchmark names one stand-in address per detector): a
/// name's own rules are found at once instead of by trying every rule. The choice among matches stays
/// <see cref="ResolveRules.Match"/>'s: a rule naming the host beats every wildcard, so only when none names it do the
/// wildcards (few) decide.
/// </summary>
public sealed class ResolveTable
{
    private readonly Dictionary<string, List<ResolveRule>> _named = new(StringComparer.Ordinal);
    private readonly List<ResolveRule> _wildcards = [];

    public ResolveTable(IEnumerable<ResolveRule> rules)
    {
        foreach (var rule in rules)
        {
            if (rule.Host.Contains('*', StringComparison.Ordinal))
            {
                _wildcards.Add(rule);
            }
            else if (_named.TryGetValue(rule.Host, out var list))
            {
                list.Add(rule);
            }
            else
            {
                _named[rule.Host] = [rule];
            }
        }
    }

    public bool IsEmpty => _named.Count == 0 && _wildcards.Count == 0;

    /// <summary>The rule that decides where <paramref name="host"/>:<paramref name="port"/> goes, as <see cref="ResolveRules.Match"/> would choose it.</summary>
    public ResolveRule? Match(string host, int port) =>
        (_named.TryGetValue(ResolveRules.NormalizeHost(host), out var named) ? ResolveRules.Match(named, host, port) : null)
        ?? ResolveRules.Match(_wildcards, host, port);
}
