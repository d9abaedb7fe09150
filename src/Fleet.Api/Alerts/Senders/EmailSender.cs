using System.Net.Sockets;
using Fleet.Api.Alerts.Delivery;
using Fleet.Api.Egress;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Fleet.Api.Alerts.Senders;

/// <summary>
/// Sends the notice as a plain-text mail through Alerts:Smtp with MailKit: Subject is the title, Message-Id is made
/// from the notice's id (the same on every retry, so a mail system can drop a duplicate). The socket is opened by the
/// checked connect (Alerts:AllowedNetworks applies to the SMTP server too) and handed to MailKit. SMTP 4xx is worth a
/// retry, 5xx is not.
/// </summary>
internal sealed class EmailSender(AlertEgress egress, IOptions<SmtpOptions> options, SmtpTrust trust, TimeProvider clock) : IAlertSender
{
    public string Type => DestinationTypes.Email;

    public async Task<DeliveryResult> SendAsync(AlertDestination destination, AlertNotice notice, CancellationToken cancellationToken)
    {
        var o = options.Value;
        if (string.IsNullOrWhiteSpace(o.Host) || o.From is null)
        {
            return DeliveryResult.Permanent("e-mail is not configured: set Alerts:Smtp:Host and Alerts:Smtp:From");
        }

        if (destination.Recipients.Count == 0)
        {
            return DeliveryResult.Permanent("the e-mail destination has no recipients");
        }

        var message = new MimeMessage { Subject = notice.Title, Date = clock.GetUtcNow(), Body = new TextPart("plain") { Text = notice.Text } };
        var from = MailboxAddress.Parse(o.From);
        message.From.Add(from);
        foreach (var recipient in destination.Recipients)
        {
            if (!MailboxAddress.TryParse(recipient, out var to))
            {
                return DeliveryResult.Permanent($"'{recipient}' is not an e-mail address");
            }

            message.To.Add(to);
        }

        message.MessageId = $"{notice.Id}@{from.Domain}";

        using var deadline = new CancellationTokenSource(o.Timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        using var client = new SmtpClient { Timeout = (int)o.Timeout.TotalMilliseconds, ServerCertificateValidationCallback = trust.Validation };
        try
        {
            using var socket = await egress.Connector.ConnectAsync(o.Host, o.EffectivePort, linked.Token);
            await client.ConnectAsync(socket, o.Host, o.EffectivePort, Secure(o.Security), linked.Token);
            if (!string.IsNullOrEmpty(o.Username))
            {
                await client.AuthenticateAsync(o.Username, o.Password ?? string.Empty, linked.Token);
            }

            await client.SendAsync(message, linked.Token);
            await client.DisconnectAsync(quit: true, linked.Token);
            return DeliveryResult.Delivered(250);
        }
        catch (SmtpCommandException ex)
        {
            var code = (int)ex.StatusCode;
            var error = $"SMTP {code}: {HttpDelivery.Short(ex.Message)}";
            return code is >= 400 and < 500 ? DeliveryResult.Retry(error, code) : DeliveryResult.Permanent(error, code);
        }
        catch (ServiceNotAuthenticatedException ex)
        {
            // The server's 530: it wants STARTTLS or a login first (Alerts:Smtp:Security or Username is wrong for it).
            return DeliveryResult.Permanent($"SMTP: {HttpDelivery.Short(ex.Message)}");
        }
        catch (AuthenticationException)
        {
            return DeliveryResult.Permanent("SMTP authentication failed: check Alerts:Smtp:Username and Alerts:Smtp:Password");
        }
        catch (SslHandshakeException)
        {
            return DeliveryResult.Permanent($"TLS with {o.Host} failed: its certificate is not trusted or TLS is not offered");
        }
        catch (NotSupportedException ex)
        {
            // STARTTLS required but not offered, or a username set for a server that offers no authentication.
            return DeliveryResult.Permanent($"SMTP: {HttpDelivery.Short(ex.Message)}");
        }
        catch (EgressRefusedException ex)
        {
            return DeliveryResult.Permanent(ex.Message);
        }
        catch (TimeoutException)
        {
            return DeliveryResult.Retry($"timeout talking to {o.Host}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryResult.Retry($"timeout after {o.Timeout.TotalSeconds:0.#} s");
        }
        catch (SocketException ex)
        {
            return DeliveryResult.Retry($"connection to {o.Host} failed ({ex.SocketErrorCode})");
        }
        catch (Exception ex) when (ex is SmtpProtocolException or ServiceNotConnectedException or IOException)
        {
            return DeliveryResult.Retry($"SMTP connection lost ({ex.GetType().Name})");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A sender must not throw for a failed delivery; the type is enough.
            return DeliveryResult.Retry($"SMTP failed: {ex.GetType().Name}");
        }
    }

    private static SecureSocketOptions Secure(SmtpSecurity security) => security switch
    {
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.None => SecureSocketOptions.None,
        _ => SecureSocketOptions.StartTls,
    };
}
