using Fleet.Api.Monitoring.HomeAssistant;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Tests.Monitoring;

/// <summary>Monitoring:HomeAssistant is checked at start: each mistake is one line naming the key and what to write instead.</summary>
public sealed class HomeAssistantOptionsTests
{
    [Theory]
    [InlineData("Prefix", "home/#", "Monitoring:HomeAssistant:Prefix must be MQTT topic levels")]
    [InlineData("Prefix", "/homeassistant", "Monitoring:HomeAssistant:Prefix must be MQTT topic levels")]
    [InlineData("Prefix", "", "Monitoring:HomeAssistant:Prefix must be MQTT topic levels")]
    [InlineData("DetectorUrl", "https://fleet.example.com/", "Monitoring:HomeAssistant:DetectorUrl must be an absolute http(s) URL containing {id}")]
    [InlineData("DetectorUrl", "ftp://fleet.example.com/{id}", "Monitoring:HomeAssistant:DetectorUrl must be an absolute http(s) URL containing {id}")]
    [InlineData("DetectorUrl", "/?detector={id}", "Monitoring:HomeAssistant:DetectorUrl must be an absolute http(s) URL containing {id}")]
    [InlineData("StartupRate", "0", "Monitoring:HomeAssistant:StartupRate must be between 1 and 100000")]
    public void HomeAssistant_WrongValue_FailsNamingTheKey(string key, string value, string expected)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Options(new() { [$"Monitoring:HomeAssistant:{key}"] = value }));

        var line = Assert.Single(failure.Failures);
        Assert.StartsWith(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public void HomeAssistant_NothingConfigured_IsOffWithHomeAssistantsPrefix()
    {
        var options = Options([]);

        Assert.Equal((false, "homeassistant", null), (options.Enabled, options.Prefix, options.DetectorUrl));
    }

    private static HomeAssistantOptions Options(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddFleetHomeAssistant();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<HomeAssistantOptions>>().Value;
    }
}
