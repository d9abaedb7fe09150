using Fleet.Agent.Ngrok;

namespace Fleet.Agent.Tests.Ngrok;

/// <summary>The values the agent masks in ngrok's output (ERR_NGROK_105 prints the authtoken back).</summary>
public sealed class NgrokConfigSecretsTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    public void Dispose() => File.Delete(_file);

    [Fact]
    public void SecretsIn_V2TopLevel_ReturnsTheAuthtokenAndApiKey()
    {
        File.WriteAllText(_file, "version: 2\nauthtoken: FAKE-TOKEN-a\napi_key: FAKE-KEY-b\nweb_addr: 127.0.0.1:4040\n");

        Assert.Equal(["FAKE-TOKEN-a", "FAKE-KEY-b"], NgrokConfig.SecretsIn(_file));
    }

    [Fact]
    public void SecretsIn_V3AgentSection_ReturnsTheAuthtoken()
    {
        File.WriteAllText(_file, "version: 3\nagent:\n  authtoken: FAKE-TOKEN-c\n");

        Assert.Equal(["FAKE-TOKEN-c"], NgrokConfig.SecretsIn(_file));
    }

    [Theory]
    [InlineData("version: 2\nweb_addr: 127.0.0.1:4040\n")]
    [InlineData("not: [yaml")]
    [InlineData(null)]
    public void SecretsIn_NoSecretOrNoFileOrNotYaml_IsEmpty(string? content)
    {
        if (content is null)
        {
            File.Delete(_file);
        }
        else
        {
            File.WriteAllText(_file, content);
        }

        Assert.Empty(NgrokConfig.SecretsIn(_file));
    }
}
