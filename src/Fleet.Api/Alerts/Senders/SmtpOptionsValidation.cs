using Microsoft.Extensions.Options;
using MimeKit;

namespace Fleet.Api.Alerts.Senders;

/// <summary>Alerts:Smtp checked at start: a sender address with a server, and never a password over a connection without TLS.</summary>
internal sealed class SmtpOptionsValidation : IValidateOptions<SmtpOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            return options.Password is { Length: > 0 } || options.Username is { Length: > 0 }
                ? ValidateOptionsResult.Fail("Alerts:Smtp:Host is empty but a username or password is set. Set Alerts:Smtp:Host to the SMTP server, or remove Alerts:Smtp:Username and Alerts:Smtp:Password.")
                : ValidateOptionsResult.Success;
        }

        List<string> failures = [];
        if (string.IsNullOrWhiteSpace(options.From) || !MailboxAddress.TryParse(options.From, out _))
        {
            failures.Add("Alerts:Smtp:From must be the sender's e-mail address when Alerts:Smtp:Host is set, e.g. \"Fleet alerts <fleet@example.com>\".");
        }

        if (options.Password is { Length: > 0 } && string.IsNullOrWhiteSpace(options.Username))
        {
            failures.Add("Alerts:Smtp:Username is empty but Alerts:Smtp:Password is set. Set the username the password belongs to.");
        }

        if (options.Password is { Length: > 0 } && options.Security == SmtpSecurity.None)
        {
            failures.Add("Alerts:Smtp:Password would be sent without TLS (Alerts:Smtp:Security is None). Set Alerts:Smtp:Security to StartTls or SslOnConnect, or remove the password.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
