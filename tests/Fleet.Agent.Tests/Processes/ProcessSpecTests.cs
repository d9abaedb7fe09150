using Fleet.Agent.Processes;

namespace Fleet.Agent.Tests.Processes;

public sealed class ProcessSpecTests
{
    [Fact]
    public void ToString_ShowsTheCommandQuotedLikeAShell()
    {
        ProcessSpec spec = new("/opt/fleet-agent/ngrok", ["start", "--all", "--config", "/etc/my dir/ngrok.yml", "it's", ""]);

        Assert.Equal("/opt/fleet-agent/ngrok start --all --config '/etc/my dir/ngrok.yml' 'it'\\''s' ''", spec.ToString());
    }

    [Fact]
    public void ToString_ShowsVariableNamesButNeverTheirValues()
    {
        ProcessSpec spec = new("ngrok", ["start", "--all"], "/var/lib/fleet-agent", new Dictionary<string, string>
        {
            ["NGROK_AUTHTOKEN"] = "2aBcD-secret",
            ["HOME"] = "/var/lib/fleet-agent",
        });

        string text = spec.ToString();

        Assert.Equal("ngrok start --all (in /var/lib/fleet-agent) (env: HOME, NGROK_AUTHTOKEN)", text);
        Assert.DoesNotContain("2aBcD-secret", text, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateStartInfo_PassesArgumentsOneByOne_AndAddsTheEnvironment()
    {
        ProcessSpec spec = new("ssh", ["-N", "-R", "2222:127.0.0.1:22", "tunnel@relay"], null, new Dictionary<string, string> { ["A"] = "b c" });

        System.Diagnostics.ProcessStartInfo info = spec.CreateStartInfo();

        Assert.False(info.UseShellExecute);
        Assert.Equal(["-N", "-R", "2222:127.0.0.1:22", "tunnel@relay"], info.ArgumentList);
        Assert.Equal(string.Empty, info.Arguments);
        Assert.Equal("b c", info.Environment["A"]);
        Assert.True(info.RedirectStandardOutput && info.RedirectStandardError && info.RedirectStandardInput);
    }

    [Fact]
    public void CreateStartInfo_DoesNotPassOnTheSystemdNotifySocket()
    {
        string? previous = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        Environment.SetEnvironmentVariable("NOTIFY_SOCKET", "/run/systemd/notify");
        try
        {
            Assert.False(new ProcessSpec("ngrok", []).CreateStartInfo().Environment.ContainsKey("NOTIFY_SOCKET"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("NOTIFY_SOCKET", previous);
        }
    }
}
