namespace Fleet.Domain.Validation;

/// <summary>Short, stable names of the address ranges <see cref="AddressRules"/> knows: the reasons a probe counts.</summary>
public static class AddressLabels
{
    public const string Public = "public";
    public const string Unspecified = "unspecified";
    public const string Loopback = "loopback";
    public const string LinkLocal = "link-local";
    public const string Multicast = "multicast";
    public const string Reserved = "reserved";
    public const string Private = "private";
    public const string CarrierGradeNat = "cgnat";
    public const string UniqueLocal = "unique-local";
    public const string SpecialPurpose = "special-purpose";
    public const string Metadata = "metadata";
}
