using Fleet.Agent.Configuration;
using Fleet.Domain.Validation;

namespace Fleet.Agent.Tests.Configuration;

public sealed class ReverseSshSettingsValidatorTests
{
    [Fact]
    public void Settings_RelayUserAndPortWithoutPublicUrl_AreValid()
    {
        var errors = Validate(new ReverseSshSettings { Relay = "relay.example.org", User = "fleet-relay", RemotePort = 22042 });

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("Agent:ReverseSsh:Proto", "ftp", "*")]
    [InlineData("Agent:ReverseSsh:RemoteBindAddress", null, "")]
    [InlineData("Agent:ReverseSsh:RemoteBindAddress", null, "a b")]
    public void Settings_BadValue_IsRefusedNamingTheKey(string key, string? proto, string bind)
    {
        var errors = Validate(new ReverseSshSettings { Relay = "relay.example.org", User = "fleet-relay", RemotePort = 22042, Proto = proto, RemoteBindAddress = bind });

        Assert.Contains(errors, e => e.StartsWith(key, StringComparison.Ordinal));
    }

    [Fact]
    public void Settings_RelayOnLoopback_IsRefusedAsAPublishedUrl()
    {
        var errors = Validate(new ReverseSshSettings { Relay = "127.0.0.1", User = "fleet-relay", RemotePort = 22042 });

        Assert.Contains(errors, e => e.StartsWith("Agent:ReverseSsh:PublicUrl", StringComparison.Ordinal) && e.Contains("ssh://127.0.0.1:22042", StringComparison.Ordinal));
    }

    [Fact]
    public void Settings_ProbeDelaysReversed_AreRefused()
    {
        var errors = Validate(new ReverseSshSettings
        {
            Relay = "relay.example.org", User = "fleet-relay", RemotePort = 22042, ProbeMinDelay = TimeSpan.FromMinutes(1), ProbeMaxDelay = TimeSpan.FromSeconds(1),
        });

        Assert.Contains(errors, e => e.StartsWith("Agent:ReverseSsh:ProbeMinDelay", StringComparison.Ordinal));
    }

    private static List<string> Validate(ReverseSshSettings settings)
    {
        List<string> errors = [];
        ReverseSshSettingsValidator.Validate(settings, UrlPolicy.AnyNetwork, errors);
        return errors;
    }
}
