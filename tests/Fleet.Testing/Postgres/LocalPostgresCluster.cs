using System.Diagnostics;
using System.Globalization;

using Npgsql;

using Fleet.Testing.Network;
using Fleet.Testing.Processes;

namespace Fleet.Testing.Postgres;

/// <summary>
/// A throwaway PostgreSQL cluster made with the server binaries on this machine (initdb + pg_ctl), for
/// machines without a Docker engine. Durability is switched off: the cluster dies with the test run.
/// </summary>
public sealed class LocalPostgresCluster : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);
    private static readonly string[] RunUserLocations = ["/usr/sbin/runuser", "/sbin/runuser"];

    private readonly string binDirectory;
    private readonly string tempDirectory;
    private readonly bool asPostgresUser;
    private int disposed;

    private LocalPostgresCluster(string binDirectory, string tempDirectory, bool asPostgresUser)
    {
        this.binDirectory = binDirectory;
        this.tempDirectory = tempDirectory;
        this.asPostgresUser = asPostgresUser;
    }

    public string ConnectionString { get; private set; } = string.Empty;

    public string Description { get; private set; } = string.Empty;

    /// <summary>The port the server listens on; kept when it is started again.</summary>
    public int Port { get; private set; }

    private string DataDirectory => Path.Combine(tempDirectory, "data");

    public static async Task<LocalPostgresCluster> StartAsync(CancellationToken ct = default)
    {
        string binDirectory = FindBinDirectory();

        // initdb refuses to run as root; Debian's package made a postgres user to run it as instead.
        bool asPostgresUser = Environment.IsPrivilegedProcess;
        DirectoryInfo temp = Directory.CreateTempSubdirectory("fleet-pg-");
        LocalPostgresCluster cluster = new(binDirectory, temp.FullName, asPostgresUser);
        try
        {
            await cluster.GuardAsync();
            Directory.CreateDirectory(Path.Combine(temp.FullName, "sock"));
            if (asPostgresUser)
            {
                await RunCheckedAsync("chown", ["-R", "postgres:postgres", temp.FullName], temp.FullName, ct);
            }

            // C locale + UTF8: without LANG set initdb would pick SQL_ASCII, which accepts any bytes.
            await cluster.RunPgAsync("initdb", ["-D", cluster.DataDirectory, "--no-sync", "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C"], ct);
            await cluster.StartServerAsync(0, ct);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            try
            {
                await RunPgAsync("pg_ctl", ["-D", DataDirectory, "stop", "-m", "immediate", "-w", "-t", "30"], CancellationToken.None);
            }
            catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
            {
                KillPostmasterFromPidFile();
            }
        }

        try
        {
            Directory.Delete(tempDirectory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync($"[Fleet tests] could not delete {tempDirectory}: {ex.Message}");
        }
    }

    /// <summary>`pg_ctl stop -m immediate`: every backend dies at once, as in a crash or power loss (for fault tests).</summary>
    public Task StopImmediateAsync(CancellationToken ct = default) =>
        RunPgAsync("pg_ctl", ["-D", DataDirectory, "stop", "-m", "immediate", "-w", "-t", "30"], ct);

    /// <summary>Starts a stopped cluster again on the same port, after crash recovery.</summary>
    public Task StartAgainAsync(CancellationToken ct = default) => StartServerAsync(Port, ct);

    /// <summary>Stops the cluster and deletes its directory if the test host dies without disposing it.</summary>
    private Task GuardAsync()
    {
        // $3… are the command that runs pg_ctl: [runuser, pg_ctl] as root, [pg_ctl] otherwise.
        string[] pgCtl = asPostgresUser
            ? [FindRunUser(), Path.Combine(binDirectory, "pg_ctl")]
            : [Path.Combine(binDirectory, "pg_ctl")];
        string run = asPostgresUser ? "\"$3\" -u postgres -- \"$4\"" : "\"$3\"";
        return OrphanGuard.WatchAsync(
            tempDirectory,
            $"pidfile=\"$2/data/postmaster.pid\"\n"
            + $"[ -f \"$pidfile\" ] && {{ {run} -D \"$2/data\" stop -m immediate -w -t 30 || kill -9 \"$(head -n 1 \"$pidfile\")\"; }}",
            pgCtl);
    }

    private async Task StartServerAsync(int samePort, CancellationToken ct)
    {
        string socketDirectory = Path.Combine(tempDirectory, "sock");
        string log = Path.Combine(tempDirectory, "postgres.log");
        List<string> failures = [];

        // The free port can be taken between choosing and binding it; a couple of retries cover that.
        for (int attempt = 1; attempt <= (samePort == 0 ? 3 : 1); attempt++)
        {
            int port = samePort == 0 ? FreePort.Next() : samePort;
            string options = string.Join(' ',
                "-c listen_addresses=127.0.0.1",
                $"-c port={port.ToString(CultureInfo.InvariantCulture)}",
                $"-k '{socketDirectory}'",
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=500");
            try
            {
                // -l sends the postmaster's output to a file, so it does not hold pg_ctl's pipes open.
                await RunPgAsync("pg_ctl", ["-D", DataDirectory, "-l", log, "-w", "-t", "60", "-o", options, "start"], ct);
            }
            catch (InvalidOperationException ex)
            {
                failures.Add($"port {port}: {ex.Message} log: {ReadLogTail(log)}");
                continue;
            }

            Port = port;
            ConnectionString = new NpgsqlConnectionStringBuilder
            {
                Host = "127.0.0.1",
                Port = port,
                Username = "postgres",
                Password = "postgres",
                Database = "postgres",
                IncludeErrorDetail = true,
            }.ConnectionString;
            Description = $"local cluster ({binDirectory}, 127.0.0.1:{port}, data {DataDirectory})";
            await WaitUntilConnectableAsync(ct);
            return;
        }

        throw new InvalidOperationException($"pg_ctl start failed: {string.Join(" | ", failures)}");
    }

    private async Task WaitUntilConnectableAsync(CancellationToken ct)
    {
        NpgsqlConnectionStringBuilder probe = new(ConnectionString) { Pooling = false, Timeout = 2 };
        Stopwatch elapsed = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using NpgsqlConnection connection = new(probe.ConnectionString);
                await connection.OpenAsync(ct);
                return;
            }
            catch (Exception ex) when ((ex is NpgsqlException or TimeoutException) && elapsed.Elapsed < ReadyTimeout)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), ct);
            }
        }
    }

    private Task RunPgAsync(string tool, string[] arguments, CancellationToken ct)
    {
        string path = Path.Combine(binDirectory, tool);
        return asPostgresUser
            ? RunCheckedAsync(FindRunUser(), ["-u", "postgres", "--", path, .. arguments], tempDirectory, ct)
            : RunCheckedAsync(path, arguments, tempDirectory, ct);
    }

    private static async Task RunCheckedAsync(string fileName, string[] arguments, string workingDirectory, CancellationToken ct)
    {
        (int exitCode, string output, string error) = await ChildProcess.RunAsync(fileName, arguments, CommandTimeout, workingDirectory, ct);
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"{ChildProcess.Describe(fileName, arguments)} exited with {exitCode}. stdout: {output} stderr: {error}");
        }
    }

    private void KillPostmasterFromPidFile()
    {
        try
        {
            // The first line of postmaster.pid is the postmaster's process id: a process we started.
            string first = File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First();
            using Process postmaster = Process.GetProcessById(int.Parse(first, CultureInfo.InvariantCulture));
            postmaster.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or FormatException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            Console.Error.WriteLine($"[Fleet tests] could not stop the local PostgreSQL cluster in {DataDirectory}: {ex.Message}");
        }
    }

    private static string ReadLogTail(string log)
    {
        try
        {
            return File.Exists(log) ? string.Join(" / ", File.ReadLines(log).TakeLast(5)) : "(no log)";
        }
        catch (IOException ex)
        {
            return $"(log unreadable: {ex.Message})";
        }
    }

    private static string FindBinDirectory()
    {
        // An explicit setting is obeyed or fails; silently using other binaries would hide the mistake.
        string? fromEnvironment = Environment.GetEnvironmentVariable("FLEET_PG_BIN");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return HasServerTools(fromEnvironment)
                ? fromEnvironment
                : throw new InvalidOperationException($"FLEET_PG_BIN={fromEnvironment} has no initdb and pg_ctl");
        }

        List<string> candidates = [];

        // Debian installs each major version side by side; the newest is the closest to production.
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Directory: d, Version: int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : -1))
                .OrderByDescending(d => d.Version)
                .Select(d => Path.Combine(d.Directory, "bin")));
        }

        candidates.AddRange(PathDirectories());
        return candidates.FirstOrDefault(HasServerTools)
            ?? throw new InvalidOperationException(
                "PostgreSQL server binaries (initdb, pg_ctl) not found in /usr/lib/postgresql/*/bin or PATH "
                + "(apt-get install -y postgresql, or set FLEET_PG_BIN)");
    }

    private static bool HasServerTools(string directory) =>
        File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl"));

    private static string FindRunUser() =>
        RunUserLocations.Concat(PathDirectories().Select(d => Path.Combine(d, "runuser"))).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("runuser not found (util-linux); it is needed to run initdb as postgres when root");

    private static string[] PathDirectories() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries);
}
