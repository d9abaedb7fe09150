namespace Fleet.Api.SystemTests.Deployment;

/// <summary>`caddy validate` on the shipped infra/caddy/Caddyfile for both certificate choices, and without one.</summary>
public sealed class CaddyfileTests : IDisposable
{
    private readonly string home = Directory.CreateTempSubdirectory("fleet-caddy-validate-").FullName;

    [Theory]
    [InlineData("fleet.example.org", "ops@example.org")]
    [InlineData("192.168.1.10", "internal")]
    [InlineData("fleet.lab", "internal")]
    public async Task CaddyValidate_ShippedCaddyfile_IsValid(string domain, string tls)
    {
        var (exitCode, output, error) = await ValidateAsync($"FLEET_DOMAIN={domain}", $"FLEET_TLS={tls}");

        Assert.True(exitCode == 0, $"caddy validate failed ({exitCode}): {output} {error}");
        Assert.Contains("Valid configuration", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CaddyValidate_WithoutTheTlsSwitch_IsRefused()
    {
        var (exitCode, output, error) = await ValidateAsync("FLEET_DOMAIN=fleet.example.org");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("tls", output + error, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(home, recursive: true);

    private Task<(int ExitCode, string Output, string Error)> ValidateAsync(params string[] variables) =>
        ChildProcess.RunAsync(
            "env",
            [
                .. DeploymentTools.CleanEnvironment(home, [$"XDG_DATA_HOME={home}/data", $"XDG_CONFIG_HOME={home}/config", .. variables]),
                DeploymentTools.Caddy, "validate", "--config", CaddyServer.ShippedCaddyfile, "--adapter", "caddyfile",
            ],
            TimeSpan.FromSeconds(60),
            home);
}
