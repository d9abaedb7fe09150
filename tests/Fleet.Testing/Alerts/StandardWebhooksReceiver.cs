using System.Text.Json;
using Fleet.Testing.Processes;

namespace Fleet.Testing.Alerts;

/// <summary>
/// The webhook receiver of tests/receivers/standard-webhooks: a node process that verifies every request with the
/// standardwebhooks npm package (an implementation independent of the API's .NET one) and records one JSON line per
/// request (<see cref="Requests"/>). It answers 204 when the signature verifies and 401 when not. Needs node and the
/// folder's node_modules (test.sh and .ci/run run `npm ci` there); fails naming them when missing.
/// </summary>
public sealed class StandardWebhooksReceiver : IAsyncDisposable
{
    private readonly ServerProcess server;

    private StandardWebhooksReceiver(ServerProcess server) => this.server = server;

    public static string Folder => Path.Combine(RepositoryPaths.Root, "tests", "receivers", "standard-webhooks");

    public int Port => server.Port;

    public Uri Url => new($"http://127.0.0.1:{Port}/hooks/fleet");

    public string Output => server.Output;

    /// <summary>Starts the receiver verifying with <paramref name="secret"/>, on a free port.</summary>
    public static Task<StandardWebhooksReceiver> StartAsync(string secret, CancellationToken ct = default) => StartAsync(secret, port: null, ct);

    /// <summary>
    /// Starts the receiver verifying with <paramref name="secret"/>, on <paramref name="port"/> when given (a destination
    /// created before the receiver, whose secret the API made: reserve the port with FreePort, then start here).
    /// </summary>
    public static async Task<StandardWebhooksReceiver> StartAsync(string secret, int? port, CancellationToken ct = default)
    {
        var node = ServerProcess.FindTool("node", "nodejs");
        if (!Directory.Exists(Path.Combine(Folder, "node_modules", "standardwebhooks")))
        {
            throw new InvalidOperationException(
                $"the webhook receiver's packages are not installed: cd {Folder} && npm ci (test.sh and .ci/run do it; npm is Debian's npm package)");
        }

        var server = await ServerProcess.StartAsync("webhook-receiver", node,
            (directory, listen) => [Path.Combine(Folder, "receiver.mjs"), listen.ToString(System.Globalization.CultureInfo.InvariantCulture), secret, Path.Combine(directory, "requests.jsonl")],
            port,
            ct);
        return new StandardWebhooksReceiver(server);
    }

    /// <summary>The receiver is down (killed): requests are refused until <see cref="StartAgainAsync"/>; what it recorded stays.</summary>
    public Task StopAsync() => server.StopAsync();

    /// <summary>Hangs (SIGSTOP): connections are accepted and requests sent, none is answered (nor recorded) until <see cref="ResumeAsync"/>.</summary>
    public Task PauseAsync(CancellationToken ct = default) => server.PauseAsync(ct);

    /// <summary>Reads, records and answers what waited (SIGCONT).</summary>
    public Task ResumeAsync(CancellationToken ct = default) => server.ResumeAsync(ct);

    /// <summary>Up again on the same port, appending to the same record.</summary>
    public Task StartAgainAsync(CancellationToken ct = default) => server.StartAgainAsync(ct);

    /// <summary>What the receiver recorded so far, one entry per request, oldest first.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> RequestsAsync(CancellationToken ct = default)
    {
        var file = Path.Combine(server.Directory, "requests.jsonl");
        if (!File.Exists(file))
        {
            return [];
        }

        var lines = await File.ReadAllLinesAsync(file, ct);
        return [.. lines.Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<ReceivedWebhook>(l, Json)!)];
    }

    public ValueTask DisposeAsync() => server.DisposeAsync();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
}

/// <summary>One request as the receiver saw it: the <c>webhook-id</c>, whether the signature verified (and why not), and the raw body.</summary>
public sealed record ReceivedWebhook(string Id, bool Verified, string? Error, string Method, string? ContentType, string Body);
