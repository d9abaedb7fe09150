using Fleet.Testing.Processes;
using Fleet.Testing.Tls;

namespace Fleet.Testing.Alerts;

/// <summary>
/// A real SMTP server from Debian's python3-aiosmtpd on a free loopback port, storing every mail it accepts in a
/// Maildir (<see cref="MailFiles"/>). With a <see cref="TestCertificateAuthority"/> it offers STARTTLS with a
/// certificate from it and, as aiosmtpd does by default then, refuses mail before STARTTLS. Fails (never skips)
/// naming the package when it is missing.
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    /// <summary>Debian's interpreter, where the package installs; a python3 earlier on PATH (pyenv) would not see it.</summary>
    private const string Python = "/usr/bin/python3";

    private readonly ServerProcess server;

    private SmtpSink(ServerProcess server) => this.server = server;

    public int Port => server.Port;

    public string Output => server.Output;

    public static async Task<SmtpSink> StartAsync(TestCertificateAuthority? tls = null, CancellationToken ct = default)
    {
        var (exitCode, _, error) = File.Exists(Python)
            ? await ChildProcess.RunAsync(Python, ["-c", "import aiosmtpd"], TimeSpan.FromSeconds(30), ct: ct)
            : (1, string.Empty, $"{Python} not found");
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"the SMTP sink needs Debian's python3-aiosmtpd: apt-get install -y python3-aiosmtpd (test.sh and .ci/run install it). {error.Trim()}");
        }

        var server = await ServerProcess.StartAsync("smtp-sink", Python, (directory, port) =>
        {
            List<string> arguments = ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Mailbox"];
            if (tls is not null)
            {
                var (certificate, key) = File.Exists(Path.Combine(directory, "server.pem"))
                    ? (Path.Combine(directory, "server.pem"), Path.Combine(directory, "server.key"))
                    : tls.IssueServerPem(directory);
                arguments.AddRange(["--tlscert", certificate, "--tlskey", key]);
            }

            // The Mailbox handler's argument: the Maildir, inside the server's directory (which OrphanGuard looks for).
            arguments.Add(Path.Combine(directory, "mail"));
            return arguments;
        }, ct);
        return new SmtpSink(server);
    }

    /// <summary>The raw messages received so far (RFC 5322 text), oldest first.</summary>
    public IReadOnlyList<string> MailFiles
    {
        get
        {
            var newMail = Path.Combine(server.Directory, "mail", "new");
            return Directory.Exists(newMail)
                ? [.. new DirectoryInfo(newMail).GetFiles().OrderBy(f => f.LastWriteTimeUtc).Select(f => f.FullName)]
                : [];
        }
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();
}
