using Fleet.Api.Auth;
using Microsoft.Extensions.Logging;

namespace Fleet.Api.Tests.Security;

/// <summary>The code filter that configuration cannot undo: Data Protection never below Information, never lowered either.</summary>
public sealed class KeyMaterialLogFilterTests
{
    [Theory]
    [InlineData("Microsoft.AspNetCore.DataProtection", null)]
    [InlineData("Microsoft.AspNetCore.DataProtection.Repositories.EntityFrameworkCoreXmlRepository", null)]
    [InlineData("Microsoft.AspNetCore.Data*", null)]
    [InlineData(null, "Console")]
    public void TraceRules_ForDataProtection_AreReplacedByInformation(string? category, string? provider)
    {
        var options = new LoggerFilterOptions();
        options.Rules.Add(new LoggerFilterRule(provider, category, LogLevel.Trace, null));

        new KeyMaterialLogFilter().PostConfigure(null, options);

        Assert.DoesNotContain(options.Rules, r => r.LogLevel < LogLevel.Information && CouldApply(r));
        Assert.Contains(options.Rules, r => r.CategoryName == KeyMaterialLogFilter.Category && r.ProviderName == provider && r.LogLevel == LogLevel.Information);
    }

    [Fact]
    public void AHigherConfiguredLevel_IsKept()
    {
        var options = new LoggerFilterOptions();
        options.Rules.Add(new LoggerFilterRule(null, "Microsoft.AspNetCore", LogLevel.Warning, null));

        new KeyMaterialLogFilter().PostConfigure(null, options);

        Assert.Contains(options.Rules, r => r.CategoryName == KeyMaterialLogFilter.Category && r.LogLevel == LogLevel.Warning);
    }

    private static bool CouldApply(LoggerFilterRule rule) =>
        rule.CategoryName is { } c && c.StartsWith("Microsoft.AspNetCore.Data", StringComparison.Ordinal);
}
