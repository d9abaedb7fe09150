using System.Net.Security;

namespace Fleet.Api.Alerts.Senders;

/// <summary>
/// How the SMTP server's certificate is checked: null is the system's trust store (production). Tests register one
/// that trusts their throwaway CA before calling AddFleetAlertSenders.
/// </summary>
public sealed class SmtpTrust(RemoteCertificateValidationCallback? validation = null)
{
    public RemoteCertificateValidationCallback? Validation { get; } = validation;
}
