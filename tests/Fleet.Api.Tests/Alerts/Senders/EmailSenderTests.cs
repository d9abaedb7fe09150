using System.Globalization;
using Fleet.Api.Alerts.Delivery;
using Fleet.Api.Alerts.Senders;
using Fleet.Testing.Alerts;
using Fleet.Testing.Tls;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Fleet.Api.Tests.Alerts.Senders;

/// <summary>
/// The e-mail sender against a real SMTP server (Debian's aiosmtpd) that offers STARTTLS with a test CA's certificate
/// and refuses mail before it; and Alerts:Smtp checked at start (never a password without TLS).
/// </summary>
public sealed class EmailSenderTests(EmailSenderTests.Sink fixture) : IClassFixture<EmailSenderTests.Sink>
{
    private readonly TestCertificateAuthority ca = fixture.Ca;

    private readonly SmtpSink sink = fixture.Server;

    /// <summary>The mails the sink holds for one notice (the sink is shared by the class's tests; Message-Id comes from the notice's id).</summary>
    private async Task<IReadOnlyList<MimeMessage>> MailsAsync(string noticeId)
    {
        List<MimeMessage> mails = [];
        foreach (var file in sink.MailFiles)
        {
            var mail = await MimeMessage.LoadAsync(file);
            if (mail.MessageId?.StartsWith(noticeId + "@", StringComparison.Ordinal) == true)
            {
                mails.Add(mail);
            }
        }

        return mails;
    }

    private Dictionary<string, string?> Smtp(string security = "StartTls", bool allowLoopback = true)
    {
        Dictionary<string, string?> configuration = new()
        {
            ["Alerts:Smtp:Host"] = "127.0.0.1",
            ["Alerts:Smtp:Port"] = sink.Port.ToString(CultureInfo.InvariantCulture),
            ["Alerts:Smtp:Security"] = security,
            ["Alerts:Smtp:From"] = "Fleet alerts <fleet@alerts.example.test>",
            ["Alerts:Smtp:Timeout"] = "00:00:10",
        };
        if (allowLoopback)
        {
            configuration["Alerts:AllowedNetworks:0"] = "127.0.0.0/8";
        }

        return configuration;
    }

    private SmtpTrust TrustTestCa() => new((_, certificate, _, errors) => ca.Trusts(certificate, errors));

    private static Task<DeliveryResult> SendAsync(SenderHarness harness, AlertNotice notice, params string[] recipients) =>
        harness.Sender(DestinationTypes.Email).SendAsync(Notices.Destination(DestinationTypes.Email, null, null, recipients), notice, CancellationToken.None);

    [Fact]
    public async Task Email_OverStartTls_ArrivesWithSubjectRecipientsAndMessageId()
    {
        using var harness = new SenderHarness(Smtp(), trust: TrustTestCa());
        var notice = Notices.Fired("alert-11-fired");

        var result = await SendAsync(harness, notice, "oncall@example.test", "Lab A <lab-a@example.test>");

        Assert.True(result.Outcome == DeliveryOutcome.Delivered, $"{result.Error} / sink: {sink.Output}");
        var mail = Assert.Single(await MailsAsync(notice.Id));
        Assert.Equal(notice.Title, mail.Subject);
        Assert.Equal(["oncall@example.test", "lab-a@example.test"], mail.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("fleet@alerts.example.test", Assert.Single(mail.From.Mailboxes).Address);
        Assert.Equal("alert-11-fired@alerts.example.test", mail.MessageId);
        Assert.Equal(notice.Text, mail.TextBody?.TrimEnd());
    }

    [Fact]
    public async Task Email_WithoutTlsToAServerRequiringIt_PermanentNamingStartTls()
    {
        using var harness = new SenderHarness(Smtp("None"));

        var result = await SendAsync(harness, Notices.Fired("alert-13-fired"), "oncall@example.test");

        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
        Assert.Contains("STARTTLS", result.Error, StringComparison.Ordinal);
        Assert.Empty(await MailsAsync("alert-13-fired"));
    }

    [Fact]
    public async Task Email_CertificateNotTrusted_PermanentAndNothingSent()
    {
        using var harness = new SenderHarness(Smtp());

        var result = await SendAsync(harness, Notices.Fired("alert-14-fired"), "oncall@example.test");

        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
        Assert.Contains("certificate", result.Error, StringComparison.Ordinal);
        Assert.Empty(await MailsAsync("alert-14-fired"));
    }

    [Fact]
    public async Task Email_SmtpServerOnLoopbackNotAllowed_Refused()
    {
        using var harness = new SenderHarness(Smtp(allowLoopback: false), trust: TrustTestCa());

        var result = await SendAsync(harness, Notices.Fired("alert-15-fired"), "oncall@example.test");

        Assert.Equal(DeliveryResult.Permanent("refused: 127.0.0.1 is loopback"), result);
        Assert.Empty(await MailsAsync("alert-15-fired"));
    }

    [Fact]
    public async Task Email_RecipientNotAnAddress_PermanentWithoutConnecting()
    {
        using var harness = new SenderHarness(Smtp(), trust: TrustTestCa());

        var result = await SendAsync(harness, Notices.Fired("alert-16-fired"), "on call");

        Assert.Equal(DeliveryOutcome.Permanent, result.Outcome);
        Assert.Empty(await MailsAsync("alert-16-fired"));
    }

    [Fact]
    public void Options_PasswordWithoutTls_StartRefusedNamingTheKeyAndTheFix()
    {
        var configuration = Smtp("None");
        configuration["Alerts:Smtp:Username"] = "fleet";
        configuration["Alerts:Smtp:Password"] = "hunter2-smtp-password";
        using var harness = new SenderHarness(configuration);

        var failure = Assert.Throws<OptionsValidationException>(harness.ValidateAtStart);

        var line = Assert.Single(failure.Failures);
        Assert.StartsWith("Alerts:Smtp:Password ", line, StringComparison.Ordinal);
        Assert.Contains("StartTls", line, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_HostWithoutFrom_StartRefused()
    {
        var configuration = Smtp();
        configuration.Remove("Alerts:Smtp:From");
        using var harness = new SenderHarness(configuration);

        var failure = Assert.Throws<OptionsValidationException>(harness.ValidateAtStart);

        Assert.StartsWith("Alerts:Smtp:From ", Assert.Single(failure.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Options_PasswordOverStartTls_Accepted()
    {
        var configuration = Smtp();
        configuration["Alerts:Smtp:Username"] = "fleet";
        configuration["Alerts:Smtp:Password"] = "hunter2-smtp-password";
        using var harness = new SenderHarness(configuration);

        harness.ValidateAtStart();
    }

    /// <summary>One SMTP sink for the class, offering STARTTLS with a certificate from its own test CA.</summary>
    public sealed class Sink : IAsyncLifetime
    {
        public TestCertificateAuthority Ca { get; } = TestCertificateAuthority.Create();

        public SmtpSink Server { get; private set; } = null!;

        public async Task InitializeAsync() => Server = await SmtpSink.StartAsync(Ca);

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            Ca.Dispose();
        }
    }
}
