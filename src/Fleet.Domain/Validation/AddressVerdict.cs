namespace Fleet.Domain.Validation;

/// <summary>What <see cref="AddressRules"/> says about one address.</summary>
internal enum AddressClass
{
    /// <summary>A public address: fine.</summary>
    Public,

    /// <summary>Private, carrier-grade NAT, unique-local and the like: refused unless the operator opts the network in.</summary>
    Private,

    /// <summary>Loopback, link-local, unspecified, multicast, reserved, metadata: always refused.</summary>
    Forbidden,
}

/// <param name="Label">A short, stable name of the range (<see cref="AddressLabels"/>), fit for a metric label.</param>
internal readonly record struct AddressVerdict(AddressClass Class, string Why, string Label)
{
    public static AddressVerdict Public { get; } = new(AddressClass.Public, "public", AddressLabels.Public);
}
