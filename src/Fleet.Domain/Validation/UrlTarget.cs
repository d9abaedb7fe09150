using System.Net;

namespace Fleet.Domain.Validation;

/// <summary>Where a URL leads (see <see cref="UrlRules.Target"/>). <paramref name="Address"/> is set when the host is a literal address.</summary>
public sealed record UrlTarget(string Scheme, string Host, int Port, IPAddress? Address);
