using System.Text.Json;
using Fleet.Api.Auth;
using Fleet.Api.Provisioning;
using Npgsql;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Provisioning;

/// <summary><c>fleet-api detectors provision-many</c> as a real process on real PostgreSQL: credentials for a whole fleet in one command.</summary>
[Trait("Suite", "Long")]
public sealed class ProvisionManyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);
    private string _connectionString = null!;
    private string _directory = null!;

    public async Task InitializeAsync()
    {
        var postgres = await PostgresServer.GetAsync();
        _connectionString = await postgres.CreateDatabaseAsync("provision_many");
        _directory = Directory.CreateTempSubdirectory("fleet-provision-many-").FullName;
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ProvisionMany_WritesCredentialsTheDatabaseAndMosquittoAgreeOn_RerunRotatesAndRevivesRevoked()
    {
        var credentials = Path.Combine(_directory, "fleet.csv");
        var passwd = Path.Combine(_directory, "passwd");
        var serviceLine = MosquittoPasswordFile.HashLine("api", "service-secret");
        await File.WriteAllTextAsync(passwd, serviceLine + "\n");

        var (exit, stdout, stderr) = await RunAsync("detectors", "provision-many", "--count", "40", "--prefix", "pm-", "--out", credentials, "--mosquitto-passwd", passwd);
        output.WriteLine($"[run 1] exit {exit}: {stdout.Trim()} / {stderr.Trim()}");

        Assert.True(exit == 0, stderr);
        var summary = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(40, summary.GetProperty("count").GetInt32());
        Assert.Equal(credentials, summary.GetProperty("out").GetString());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentials));
        }

        var first = ReadCredentials(credentials);
        Assert.Equal(Enumerable.Range(1, 40).Select(i => $"pm-{i:D5}"), first.Keys);
        Assert.Equal(40, first.Values.Distinct().Count());
        foreach (var password in first.Values)
        {
            Assert.DoesNotContain(password, stderr, StringComparison.Ordinal);
        }

        await AssertDatabaseAndPasswordFileMatchAsync(first, passwd, serviceLine);

        // Revoke one, then provision the same range again: every secret rotates and the revoked id works again.
        Assert.Equal(0, (await RunAsync("detectors", "revoke", "pm-00007")).ExitCode);
        (exit, stdout, stderr) = await RunAsync("detectors", "provision-many", "--count", "40", "--prefix", "pm-", "--out", credentials, "--mosquitto-passwd", passwd);
        output.WriteLine($"[run 2, after revoking pm-00007] exit {exit}: {stdout.Trim()} / {stderr.Trim()}");

        Assert.True(exit == 0, stderr);
        var second = ReadCredentials(credentials);
        Assert.All(second, c => Assert.NotEqual(first[c.Key], c.Value));
        await AssertDatabaseAndPasswordFileMatchAsync(second, passwd, serviceLine);
        var stale = File.ReadLines(passwd).Single(l => l.StartsWith("pm-00001:", StringComparison.Ordinal));
        Assert.False(MosquittoPasswordFile.Verify(stale, first["pm-00001"]), "the old password no longer opens Mosquitto");
    }

    [Fact]
    public async Task ProvisionMany_ReservedPrefix_Exits2AndWritesNothing()
    {
        var credentials = Path.Combine(_directory, "refused.csv");

        var (exit, stdout, stderr) = await RunAsync("detectors", "provision-many", "--count", "3", "--prefix", "api-", "--out", credentials);

        output.WriteLine($"[injected] prefix api- (a broker service account's namespace); [observed] exit {exit}: {stderr.Trim()}");
        Assert.Equal(2, exit);
        Assert.Contains("reserved", stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, stdout.Trim());
        Assert.False(File.Exists(credentials));
    }

    private async Task AssertDatabaseAndPasswordFileMatchAsync(Dictionary<string, string> credentials, string passwd, string serviceLine)
    {
        var rows = new Dictionary<string, (string Hash, bool Revoked)>(StringComparer.Ordinal);
        await using (var connection = new NpgsqlConnection(_connectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT detector_id, secret_hash, revoked_at IS NOT NULL FROM detector_credentials WHERE detector_id LIKE 'pm-%'", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows[reader.GetString(0)] = (reader.GetString(1), reader.GetBoolean(2));
            }
        }

        Assert.Equal(credentials.Count, rows.Count);
        Assert.All(credentials, c => Assert.Equal((SecretHash.Sha256Hex(c.Value), false), rows[c.Key]));

        var lines = File.ReadAllLines(passwd);
        Assert.Equal(credentials.Count + 1, lines.Length);
        Assert.Contains(serviceLine, lines);
        Assert.All(credentials, c => Assert.True(
            MosquittoPasswordFile.Verify(lines.Single(l => l.StartsWith(c.Key + ":", StringComparison.Ordinal)), c.Value),
            $"{c.Key}'s Mosquitto line matches its password"));
    }

    private static Dictionary<string, string> ReadCredentials(string path) =>
        File.ReadLines(path).Select(l => l.Split(',', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] command) =>
        await ChildProcess.RunAsync(
            "dotnet",
            [RepositoryPaths.ApiAssembly, .. command, "--Database:Provider=Postgres", $"--ConnectionStrings:Fleet={_connectionString}"],
            CommandTimeout,
            _directory);
}
