namespace Fleet.Api.Links;

/// <summary>How to reach a tcp or ssh tunnel, where a browser redirect makes no sense.</summary>
public sealed record TcpLink(string Tunnel, string Url, string Host, int Port, string Ssh);
