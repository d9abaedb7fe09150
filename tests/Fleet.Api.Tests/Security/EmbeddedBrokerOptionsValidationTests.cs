using Fleet.Api.Mqtt;

namespace Fleet.Api.Tests.Security;

/// <summary>A wrong Mqtt:Embedded limit stops the start with a message that names the key.</summary>
public sealed class EmbeddedBrokerOptionsValidationTests
{
    [Fact]
    public void Defaults_AreValid() => Assert.True(Validate(new MqttOptions()).Succeeded);

    [Fact]
    public void Limits_OutOfRangeOrInconsistent_FailNamingTheKey()
    {
        var options = new MqttOptions();
        options.Embedded.MaxConnections = 0;
        options.Embedded.ConnectTimeout = TimeSpan.Zero;
        options.Embedded.MaxPacketSize = 4096;
        options.Embedded.MaxUnauthenticatedPacketSize = 8192;
        options.Embedded.BindAddress = "everywhere";

        var result = Validate(options);

        Assert.True(result.Failed);
        Assert.Contains("Mqtt:Embedded:MaxConnections", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Mqtt:Embedded:ConnectTimeout", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Mqtt:Embedded:MaxUnauthenticatedPacketSize", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Mqtt:Embedded:BindAddress", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void ExternalMode_IgnoresTheEmbeddedSection()
    {
        var options = new MqttOptions { Mode = MqttMode.External };
        options.Embedded.MaxConnections = 0;

        Assert.True(Validate(options).Succeeded);
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(MqttOptions options) =>
        new EmbeddedBrokerOptionsValidation().Validate(null, options);
}
