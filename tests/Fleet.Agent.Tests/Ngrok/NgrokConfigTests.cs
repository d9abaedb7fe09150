using System.Collections;
using System.Reflection;

using Fleet.Agent.Ngrok;

namespace Fleet.Agent.Tests.Ngrok;

public sealed class NgrokConfigTests
{
    private const string FakeToken = "FAKE-AUTHTOKEN-0000-do-not-use";

    [Fact]
    public void Load_DocsV2Example_ReadsTopLevelSettingsAndTunnels()
    {
        NgrokConfig config = NgrokConfig.Load(Fixtures.PathOf("config-v2.yml"));

        Assert.Equal(2, config.Version);
        Assert.Equal("localhost:4040", config.WebAddr);
        Assert.Equal(new Uri("http://localhost:4040/"), config.ApiBaseAddress);
        Assert.Equal("info", config.LogLevel);
        Assert.Equal("json", config.LogFormat);
        Assert.Equal("/var/log/ngrok.log", config.LogTarget);
        Assert.Equal(["httpbin", "example-ssh-access"], config.TunnelNames);
        Assert.Empty(config.EndpointNames);
        Assert.True(config.HasAuthtoken);
        Assert.Null(config.ValidateWebAddrIsLoopback());
    }

    [Fact]
    public void Load_V3Example_ReadsAgentSectionEndpointsAndDeprecatedTunnels()
    {
        NgrokConfig config = NgrokConfig.Load(Fixtures.PathOf("config-v3.yml"));

        Assert.Equal(3, config.Version);
        Assert.Equal("127.0.0.1:4041", config.WebAddr);
        Assert.Equal(new Uri("http://127.0.0.1:4041/"), config.ApiBaseAddress);
        Assert.Equal("stdout", config.LogTarget);
        Assert.Equal("json", config.LogFormat);
        Assert.Equal(["example-website", "example-ssh-access"], config.EndpointNames);
        Assert.Equal(["legacy-http"], config.TunnelNames);
        Assert.True(config.HasAuthtoken);
        Assert.Null(config.ValidateWebAddrIsLoopback());
    }

    [Fact]
    public void Parse_V3WithTopLevelWebAddr_IsAccepted()
    {
        NgrokConfig config = NgrokConfig.Parse("version: \"3\"\nweb_addr: 127.0.0.1:4050\nagent:\n  authtoken: x\n", "test");

        Assert.Equal(3, config.Version);
        Assert.Equal(new Uri("http://127.0.0.1:4050/"), config.ApiBaseAddress);
    }

    [Fact]
    public void Parse_V3WithBothPlaces_AgentSectionWins()
    {
        NgrokConfig config = NgrokConfig.Parse("version: 3\nweb_addr: 0.0.0.0:4050\nagent:\n  web_addr: 127.0.0.1:4051\n", "test");

        Assert.Equal("127.0.0.1:4051", config.WebAddr);
    }

    [Fact]
    public void Parse_V2WithAgentSection_IgnoresIt()
    {
        NgrokConfig config = NgrokConfig.Parse("version: 2\nagent:\n  web_addr: 0.0.0.0:4050\n  authtoken: x\n", "test");

        Assert.Null(config.WebAddr);
        Assert.False(config.HasAuthtoken);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("tunnels:\n")]
    public void Parse_NoVersionNoWebAddr_DefaultsToV2On127001Port4040(string yaml)
    {
        NgrokConfig config = NgrokConfig.Parse(yaml, "test");

        Assert.Equal(2, config.Version);
        Assert.Null(config.WebAddr);
        Assert.Equal(new Uri("http://127.0.0.1:4040/"), config.ApiBaseAddress);
        Assert.Empty(config.TunnelNames);
        Assert.False(config.HasAuthtoken);
        Assert.Null(config.ValidateWebAddrIsLoopback());
    }

    [Theory]
    [InlineData("authtoken: \"\"\n")]
    [InlineData("authtoken: ~\n")]
    [InlineData("authtoken:\n")]
    public void Parse_EmptyAuthtoken_IsNotPresent(string yaml)
    {
        Assert.False(NgrokConfig.Parse(yaml, "test").HasAuthtoken);
    }

    [Theory]
    [InlineData("version: 1\n")]
    [InlineData("version: three\n")]
    public void Parse_UnsupportedVersion_Throws(string yaml)
    {
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => NgrokConfig.Parse(yaml, "ngrok.yml"));
        Assert.Contains("version", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidYamlOnTheTokenLine_ErrorDoesNotCarryTheToken()
    {
        string yaml = $"version: 2\nauthtoken: \"{FakeToken}\n  web_addr: [\n";

        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => NgrokConfig.Parse(yaml, "ngrok.yml"));

        Assert.DoesNotContain(FakeToken, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_ThrowsFileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => NgrokConfig.Load(Fixtures.PathOf("no-such-config.yml")));
    }

    [Theory]
    [InlineData("localhost:4040", "http://localhost:4040/")]
    [InlineData("127.0.0.1:4041", "http://127.0.0.1:4041/")]
    [InlineData("[::1]:4042", "http://[::1]:4042/")]
    [InlineData("0.0.0.0:4043", "http://127.0.0.1:4043/")]
    [InlineData("not-an-address", "http://127.0.0.1:4040/")]
    public void ApiBaseAddress_FromWebAddr(string webAddr, string expected)
    {
        NgrokConfig config = NgrokConfig.Parse($"web_addr: \"{webAddr}\"\n", "test");

        Assert.Equal(new Uri(expected), config.ApiBaseAddress);
    }

    [Theory]
    [InlineData("127.0.0.1:4040")]
    [InlineData("127.0.0.2:4040")]
    [InlineData("localhost:4040")]
    [InlineData("LOCALHOST:4040")]
    [InlineData("[::1]:4040")]
    public void ValidateWebAddrIsLoopback_LoopbackBind_IsAccepted(string webAddr)
    {
        Assert.Null(NgrokConfig.Parse($"web_addr: \"{webAddr}\"\n", "test").ValidateWebAddrIsLoopback());
    }

    [Theory]
    [InlineData("0.0.0.0:4040")]
    [InlineData(":4040")]
    [InlineData("[::]:4040")]
    [InlineData("192.168.1.20:4040")]
    [InlineData("raspberrypi.local:4040")]
    [InlineData("example.com:4040")]
    [InlineData("4040")]
    [InlineData("127.0.0.1:99999")]
    [InlineData("false")]
    public void ValidateWebAddrIsLoopback_NonLoopbackUnparsableOrDisabled_IsRefused(string webAddr)
    {
        string? problem = NgrokConfig.Parse($"web_addr: \"{webAddr}\"\n", "test").ValidateWebAddrIsLoopback();

        Assert.NotNull(problem);
        Assert.Contains("web_addr", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("config-v2.yml")]
    [InlineData("config-v3.yml")]
    public void Load_WithAuthtoken_ValueAppearsInNoMemberAndNotInToString(string fixture)
    {
        Assert.Contains(FakeToken, Fixtures.Read(fixture), StringComparison.Ordinal);

        NgrokConfig config = NgrokConfig.Load(Fixtures.PathOf(fixture));

        Assert.True(config.HasAuthtoken);
        Assert.DoesNotContain(FakeToken, config.ToString(), StringComparison.Ordinal);
        const BindingFlags all = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
        IEnumerable<object?> values = typeof(NgrokConfig).GetProperties(all).Select(p => p.GetValue(config))
            .Concat(typeof(NgrokConfig).GetFields(all).Select(f => f.GetValue(config)));
        foreach (object? value in values)
        {
            IEnumerable<object?> items = value is IEnumerable sequence and not string ? sequence.Cast<object?>() : [value];
            Assert.All(items, item => Assert.DoesNotContain(FakeToken, item?.ToString() ?? "", StringComparison.Ordinal));
        }
    }
}
