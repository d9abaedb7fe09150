using Microsoft.Extensions.Configuration;

namespace Fleet.Api.Tests.Security;

/// <summary>A configuration source whose values a test replaces at run time (as a reloaded appsettings file would).</summary>
internal sealed class ReloadableConfiguration : ConfigurationProvider, IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    public void Replace(IReadOnlyDictionary<string, string?> values)
    {
        Data = new Dictionary<string, string?>(values, StringComparer.OrdinalIgnoreCase);
        OnReload();
    }
}
