namespace Fleet.Api.Startup;

/// <summary>
/// One place the API will listen, as <see cref="TransportSecurityRule"/> judges it: what it is, the key that sets its
/// address, the address, whether the traffic is encrypted, and the key of the switch that accepts it in plain text.
/// </summary>
internal sealed record TransportListener(string Name, string AddressKey, string Address, bool Encrypted, string InsecureSwitchKey);
