namespace Fleet.Cli.Tests;

/// <summary><c>fleet login</c>: the key from standard input, checked against the API, stored readable by the user only.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class CliLoginTests(CliApiFixture fixture) : IClassFixture<CliApiFixture>
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromMinutes(2);

    private CliApi Api => fixture.Api;

    [Fact]
    public async Task Login_KeyOnStdin_WritesConfigOnlyTheUserCanRead()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var cli = FleetCli.InNewHome();

        var result = await cli.RunAsync(["login", Api.Endpoint.ToString()], ct, TestKeys.Reader + "\n");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(cli.ConfigFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(cli.ConfigFile)!));
        Assert.Contains(TestKeys.Reader, await File.ReadAllTextAsync(cli.ConfigFile, ct), StringComparison.Ordinal);
        Assert.DoesNotContain(TestKeys.Reader, result.Output + result.Error, StringComparison.Ordinal);
        var list = await cli.RunAsync(["ls"], ct);
        Assert.True(list.ExitCode == 0, list.ToString());
        Directory.Delete(cli.ConfigHome, recursive: true);
    }

    [Fact]
    public async Task Login_WrongKey_Exits4WithOneLineAndStoresNothing()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var cli = FleetCli.InNewHome();

        var result = await cli.RunAsync(["login", Api.Endpoint.ToString()], ct, "not-a-key\n");

        Assert.Equal(4, result.ExitCode);
        Assert.Equal($"fleet: {Api.Endpoint} refused the API key (401): run 'fleet login' with a valid key", result.Error.TrimEnd());
        Assert.False(File.Exists(cli.ConfigFile));
        Directory.Delete(cli.ConfigHome, recursive: true);
    }

    [Fact]
    public async Task Ls_NotLoggedIn_Exits7AndSaysToLogIn()
    {
        using var cts = new CancellationTokenSource(TestTimeout);
        var ct = cts.Token;
        var cli = FleetCli.InNewHome();

        var result = await cli.RunAsync(["ls"], ct);

        Assert.Equal(7, result.ExitCode);
        Assert.StartsWith("fleet: not logged in: run 'fleet login' first", result.Error, StringComparison.Ordinal);
        Directory.Delete(cli.ConfigHome, recursive: true);
    }
}
