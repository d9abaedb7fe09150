using Microsoft.Extensions.Options;

namespace Fleet.Api.Auth;

/// <summary>
/// Keeps ASP.NET Core Data Protection below Information out of every log, whatever the configuration says: at Debug
/// its repositories log each key's XML (before encryption that was the master key). Runs after configuration is
/// bound, removes every rule that could re-enable those categories (by prefix or wildcard), and adds an Information
/// rule for each provider. The repository this API uses also gets no logger at all (<see cref="KeyRingExtensions"/>).
/// </summary>
internal sealed class KeyMaterialLogFilter : IPostConfigureOptions<LoggerFilterOptions>
{
    public const string Category = "Microsoft.AspNetCore.DataProtection";

    public void PostConfigure(string? name, LoggerFilterOptions options)
    {
        var providers = options.Rules.Select(r => r.ProviderName).Append(null).Distinct().ToList();
        for (var i = options.Rules.Count - 1; i >= 0; i--)
        {
            if (CouldMatch(options.Rules[i].CategoryName))
            {
                options.Rules.RemoveAt(i);
            }
        }

        foreach (var provider in providers)
        {
            // Never lower than what the remaining rules already give these categories (Warning stays Warning).
            var level = Applicable(options, provider) is { } configured && configured > LogLevel.Information ? configured : LogLevel.Information;
            options.Rules.Add(new LoggerFilterRule(provider, Category, level, null));
        }
    }

    /// <summary>The level the framework's rule choice would give the namespace for this provider (provider-specific, then longest category, then last).</summary>
    private static LogLevel? Applicable(LoggerFilterOptions options, string? provider)
    {
        LoggerFilterRule? best = null;
        foreach (var rule in options.Rules)
        {
            var providerMatches = rule.ProviderName is null || rule.ProviderName == provider;
            var categoryMatches = rule.CategoryName is null || (!rule.CategoryName.Contains('*', StringComparison.Ordinal)
                && Category.StartsWith(rule.CategoryName, StringComparison.OrdinalIgnoreCase));
            if (!providerMatches || !categoryMatches)
            {
                continue;
            }

            if (best is not null
                && ((best.ProviderName is not null && rule.ProviderName is null)
                    || (best.ProviderName == rule.ProviderName && (best.CategoryName?.Length ?? 0) > (rule.CategoryName?.Length ?? 0))))
            {
                continue;
            }

            best = rule;
        }

        return best is null ? options.MinLevel : best.LogLevel;
    }

    /// <summary>A rule for the Data Protection namespace or below, or a wildcard whose start could reach into it.</summary>
    private static bool CouldMatch(string? category)
    {
        if (category is null)
        {
            return false;
        }

        var star = category.IndexOf('*', StringComparison.Ordinal);
        if (star < 0)
        {
            return category.StartsWith(Category, StringComparison.OrdinalIgnoreCase);
        }

        var prefix = category[..star];
        return Category.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || prefix.StartsWith(Category, StringComparison.OrdinalIgnoreCase);
    }
}
