using System.Net;
using System.Net.Sockets;
using System.Text;
using Fleet.Agent.Checks;
using Fleet.Domain.Messages;
using Fleet.Domain.Reachability;

namespace Fleet.Agent.Tests.Checks;

/// <summary>Each outcome from a real answer on a loopback socket.</summary>
public sealed class ProberTests : IDisposable
{
    private readonly Prober _prober = new(new CheckConnector([]), TimeSpan.FromSeconds(2), TimeProvider.System, validateCertificate: null);

    // xunit 2 has no test token: this one only bounds a hung test.
    private readonly CancellationTokenSource _bound = new(TimeSpan.FromSeconds(60));

    private CancellationToken Ct => _bound.Token;

    public void Dispose()
    {
        _prober.Dispose();
        _bound.Dispose();
    }

    [Fact]
    public async Task Get_DetectorAnswersAnyStatus_Ok()
    {
        await using var server = ScriptedServer.Answering("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops");

        var result = await _prober.GetAsync(Url(server), Ct);

        Assert.Equal((CheckOutcomes.Ok, null, 500), (result.Outcome, result.Code, result.HttpStatus));
    }

    [Fact]
    public async Task Get_Always_SendsTheSkipBrowserWarningHeaderAndNoCookie()
    {
        await using var server = ScriptedServer.Answering("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        await _prober.GetAsync(Url(server), Ct);

        var request = Assert.Single(server.Requests);
        Assert.Contains("ngrok-skip-browser-warning: 1\r\n", request, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Cookie:", request, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("GET / HTTP/1.1", request, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_Redirect_IsAnAnswerAndNotFollowed()
    {
        await using var server = ScriptedServer.Answering("HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/\r\nContent-Length: 0\r\n\r\n");

        var result = await _prober.GetAsync(Url(server), Ct);

        Assert.Equal((CheckOutcomes.Ok, 302), (result.Outcome, result.HttpStatus));
        Assert.Equal(1, server.Connections);
    }

    [Theory]
    [InlineData(404, "ERR_NGROK_3200", CheckOutcomes.EndpointOffline)]
    [InlineData(502, "ERR_NGROK_8012", CheckOutcomes.UpstreamDown)]
    [InlineData(502, "ERR_NGROK_3004", CheckOutcomes.EdgeError)]
    [InlineData(200, "ERR_NGROK_6024", CheckOutcomes.EdgeError)]
    public async Task Get_NgrokErrorCodeHeader_ClassifiedByCode(int status, string code, string outcome)
    {
        await using var server = ScriptedServer.Answering($"HTTP/1.1 {status} X\r\nngrok-error-code: {code}\r\nContent-Type: text/html\r\nContent-Length: 9\r\n\r\n<p>x</p>\n");

        var result = await _prober.GetAsync(Url(server), Ct);

        Assert.Equal((outcome, code, status), (result.Outcome, result.Code, result.HttpStatus));
    }

    [Fact]
    public async Task Get_ErrorStatusWithCodeOnlyInBody_CodeFound()
    {
        await using var server = ScriptedServer.Answering("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 40\r\n\r\n<html><body>ERR_NGROK_8012</body></html>");

        var result = await _prober.GetAsync(Url(server), Ct);

        Assert.Equal((CheckOutcomes.UpstreamDown, "ERR_NGROK_8012"), (result.Outcome, result.Code));
    }

    [Fact]
    public async Task Get_DetectorPageMentioningACodeWithStatus200_Ok()
    {
        await using var server = ScriptedServer.Answering("HTTP/1.1 200 OK\r\nContent-Length: 24\r\n\r\nwe fixed ERR_NGROK_3200!");

        var result = await _prober.GetAsync(Url(server), Ct);

        Assert.Equal((CheckOutcomes.Ok, null), (result.Outcome, result.Code));
    }

    [Fact]
    public async Task Get_EndlessBody_ReadsAtMostTheLimitAndHangsUp()
    {
        // At most 256 MiB, so a broken client cannot make this test run forever either.
        await using var server = ScriptedServer.Custom(async (write, ct) =>
        {
            await write(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"));
            var chunk = new byte[64 * 1024];
            for (var i = 0; i < 4096 && !ct.IsCancellationRequested; i++)
            {
                await write(chunk);
            }
        });

        var result = await _prober.GetAsync(Url(server), Ct);

        Assert.Equal((CheckOutcomes.Ok, 200), (result.Outcome, result.HttpStatus));
        Assert.Equal(Prober.MaxBodyBytes, result.BodyBytesRead);

        // The connection was closed after the first few KiB: the server's writes fail long before its 256 MiB (what
        // it managed to send is what the kernel buffers took). A client that kept it open would leave it blocked.
        await Eventually.TrueAsync(() => Task.FromResult(server.HangUps == 1), "the server to see the hang-up");
        Assert.Equal(1, server.Connections);
        Assert.InRange(server.BytesSent, 0, 64L * 1024 * 1024);
    }

    [Fact]
    public async Task Get_SlowDripHeaders_Timeout()
    {
        using var prober = new Prober(new CheckConnector([]), TimeSpan.FromMilliseconds(500), TimeProvider.System, validateCertificate: null);
        await using var server = ScriptedServer.Custom(async (write, ct) =>
        {
            foreach (var b in Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nX-Slow: " + new string('a', 10_000)))
            {
                await write([b]);
                await Task.Delay(50, ct);
            }
        });

        var result = await prober.GetAsync(Url(server), Ct);

        Assert.Equal(CheckOutcomes.Timeout, result.Outcome);
        Assert.Null(result.HttpStatus);
    }

    [Fact]
    public async Task Get_SlowDripBody_StatusKeptWithWhatArrived()
    {
        using var prober = new Prober(new CheckConnector([]), TimeSpan.FromMilliseconds(500), TimeProvider.System, validateCertificate: null);
        await using var server = ScriptedServer.Custom(async (write, ct) =>
        {
            await write(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n"));
            for (var i = 0; i < 10_000; i++)
            {
                await write("x"u8.ToArray());
                await Task.Delay(50, ct);
            }
        });

        var result = await prober.GetAsync(Url(server), Ct);

        Assert.Equal((CheckOutcomes.Ok, 200), (result.Outcome, result.HttpStatus));
        Assert.InRange(result.BodyBytesRead, 0, Prober.MaxBodyBytes - 1);
    }

    [Fact]
    public async Task Get_HugeHeaders_EdgeErrorWithoutReadingThemAll()
    {
        await using var server = ScriptedServer.Custom(async (write, ct) =>
        {
            await write(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\n"));
            var header = Encoding.ASCII.GetBytes("X-Big: " + new string('a', 1000) + "\r\n");
            for (var i = 0; i < 100_000 && !ct.IsCancellationRequested; i++)
            {
                await write(header);
            }
        });

        var result = await _prober.GetAsync(Url(server), Ct);

        Assert.Equal(CheckOutcomes.EdgeError, result.Outcome);
        Assert.Null(result.HttpStatus);
        await Eventually.TrueAsync(() => Task.FromResult(server.HangUps == 1), "the server to see the hang-up");
        Assert.InRange(server.BytesSent, 0, 64L * 1024 * 1024);
    }

    [Fact]
    public async Task Get_NothingListens_EndpointOffline()
    {
        var result = await _prober.GetAsync(new Uri($"http://127.0.0.1:{ClosedPort()}/"), Ct);

        Assert.Equal(CheckOutcomes.EndpointOffline, result.Outcome);
    }

    [Fact]
    public async Task Get_NameDoesNotResolve_DnsError()
    {
        // .invalid never resolves (RFC 6761).
        var result = await _prober.GetAsync(new Uri("http://fleet-check.invalid/"), Ct);

        Assert.Equal(CheckOutcomes.DnsError, result.Outcome);
    }

    [Fact]
    public async Task Get_UntrustedCertificate_TlsError()
    {
        using var prober = new Prober(new CheckConnector([]), TimeSpan.FromSeconds(5), TimeProvider.System, (_, _, _, errors) => errors == System.Net.Security.SslPolicyErrors.None);
        using var certificate = SelfSigned("localhost");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serving = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync(Ct);
            await using var tls = new System.Net.Security.SslStream(client.GetStream());
            try
            {
                await tls.AuthenticateAsServerAsync(certificate);
            }
            catch (Exception ex) when (ex is System.Security.Authentication.AuthenticationException or IOException)
            {
                // The client refused the certificate: expected.
            }
        });

        var result = await prober.GetAsync(new Uri($"https://localhost:{port}/"), Ct);
        await serving;

        Assert.Equal(CheckOutcomes.TlsError, result.Outcome);
    }

    [Fact]
    public async Task Connect_Listening_OkAndClosed_EndpointOffline()
    {
        await using var server = ScriptedServer.Silent();

        var open = await _prober.ConnectAsync("127.0.0.1", server.Port, Ct);
        var closed = await _prober.ConnectAsync("127.0.0.1", ClosedPort(), Ct);

        Assert.Equal(CheckOutcomes.Ok, open.Outcome);
        Assert.Equal(CheckOutcomes.EndpointOffline, closed.Outcome);
    }

    [Fact]
    public async Task Get_ResolveOverride_ConnectsToTheStandInWithTheUrlsHost()
    {
        await using var server = ScriptedServer.Answering("HTTP/1.1 204 No Content\r\n\r\n");
        var entry = ResolveRules.Parse($"*.ngrok-free.app:443:127.0.0.1:{server.Port}");
        using var prober = new Prober(new CheckConnector([entry]), TimeSpan.FromSeconds(2), TimeProvider.System, validateCertificate: null);

        var result = await prober.GetAsync(new Uri("http://ab12cd34.ngrok-free.app:443/"), Ct);

        Assert.Equal((CheckOutcomes.Ok, 204), (result.Outcome, result.HttpStatus));
        Assert.Contains("Host: ab12cd34.ngrok-free.app:443\r\n", Assert.Single(server.Requests), StringComparison.OrdinalIgnoreCase);
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2 SelfSigned(string name)
    {
        using var key = System.Security.Cryptography.ECDsa.Create();
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=" + name, key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    private static Uri Url(ScriptedServer server) => new($"http://127.0.0.1:{server.Port}/");

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
