using System.ComponentModel.DataAnnotations;

namespace Fleet.Api.Alerts.Senders;

/// <summary>The SMTP server that e-mail destinations are sent through (Alerts:Smtp:*); e-mail is off while Host is empty.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Alerts:Smtp";

    public string? Host { get; set; }

    /// <summary>Null: 587 for StartTls, 465 for SslOnConnect, 25 for None.</summary>
    [Range(1, 65535)]
    public int? Port { get; set; }

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    public string? Username { get; set; }

    /// <summary>Only over TLS (StartTls or SslOnConnect): the start is refused otherwise.</summary>
    public string? Password { get; set; }

    /// <summary>The sender's address, e.g. <c>Fleet alerts &lt;fleet@example.com&gt;</c>; required with Host.</summary>
    public string? From { get; set; }

    /// <summary>The whole of one delivery attempt: connect, TLS, authentication and the message.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public int EffectivePort => Port ?? Security switch
    {
        SmtpSecurity.SslOnConnect => 465,
        SmtpSecurity.None => 25,
        _ => 587,
    };
}

public enum SmtpSecurity
{
    /// <summary>Plain connect, then STARTTLS, required: a server that does not offer it is not sent to.</summary>
    StartTls,

    /// <summary>TLS from the first byte (SMTPS, usually port 465).</summary>
    SslOnConnect,

    /// <summary>No TLS at all: only for a relay on a trusted network, and never with a password.</summary>
    None,
}
