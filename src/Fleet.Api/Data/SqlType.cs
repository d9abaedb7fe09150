namespace Fleet.Api.Data;

/// <summary>The column types the hand-written SQL binds, named without any driver's types (each dialect maps them).</summary>
public enum SqlType
{
    Text,
    LongNumber,
    Number,
    Timestamp,
}
