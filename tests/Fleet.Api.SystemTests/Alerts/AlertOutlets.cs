using System.Text.RegularExpressions;
using Fleet.Testing.Alerts;

namespace Fleet.Api.SystemTests.Alerts;

/// <summary>
/// Where the alerts go, created as a new user would: a webhook destination over REST (its signing secret comes back
/// once), then the receiver process started with that secret on the URL's port, so it verifies every request with the
/// npm standardwebhooks library; and an e-mail destination to the SMTP sink the API was configured with.
/// </summary>
internal sealed partial class AlertOutlets : IAsyncDisposable
{
    private AlertOutlets(StandardWebhooksReceiver receiver, SmtpSink sink, long webhookId, long emailId)
    {
        Receiver = receiver;
        Sink = sink;
        WebhookId = webhookId;
        EmailId = emailId;
    }

    public StandardWebhooksReceiver Receiver { get; }

    public SmtpSink Sink { get; }

    public long WebhookId { get; }

    public long EmailId { get; }

    /// <summary>Creates both destinations on <paramref name="api"/> and starts the receiver; <paramref name="sink"/> is the API's Alerts:Smtp server.</summary>
    public static async Task<AlertOutlets> CreateAsync(AlertsApi api, SmtpSink sink, CancellationToken ct)
    {
        var port = FreePort.Next();
        var webhook = await api.CreateDestinationAsync(new { type = "webhook", name = "ops hook", url = $"http://127.0.0.1:{port}/hooks/fleet" }, ct);
        var email = await api.CreateDestinationAsync(new { type = "email", name = "ops mail", recipients = new[] { "oncall@example.test" } }, ct);
        Assert.StartsWith("whsec_", webhook.SigningSecret, StringComparison.Ordinal);
        var receiver = await StandardWebhooksReceiver.StartAsync(webhook.SigningSecret!, port, ct);
        return new AlertOutlets(receiver, sink, webhook.Id, email.Id);
    }

    /// <summary>The webhooks the receiver recorded for the alert (webhook-id <c>alert-{id}-fired</c> / <c>-recovered</c>), every request, retries too.</summary>
    public async Task<List<ReceivedWebhook>> WebhooksAsync(long alertId, CancellationToken ct) =>
        [.. (await Receiver.RequestsAsync(ct)).Where(r => r.Id.StartsWith($"alert-{alertId}-", StringComparison.Ordinal))];

    /// <summary>The notice ids of the mails the sink holds for the alert (Message-Id <c>alert-{id}-fired@…</c>).</summary>
    public async Task<List<string>> MailsAsync(long alertId, CancellationToken ct)
    {
        List<string> ids = [];
        foreach (var file in Sink.MailFiles)
        {
            if (MessageId().Match(await File.ReadAllTextAsync(file, ct)) is { Success: true } match
                && match.Groups[1].Value.StartsWith($"alert-{alertId}-", StringComparison.Ordinal))
            {
                ids.Add(match.Groups[1].Value);
            }
        }

        return ids;
    }

    public async ValueTask DisposeAsync() => await Receiver.DisposeAsync();

    [GeneratedRegex(@"^Message-I[Dd]:\s*<([^@>]+)@", RegexOptions.Multiline)]
    private static partial Regex MessageId();
}
