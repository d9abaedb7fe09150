namespace Fleet.Api.Tests.Hostile;

/// <summary>What the system must do with one hostile input.</summary>
public enum HostileExpectation
{
    /// <summary>The API receives it, drops it and counts it as rejected.</summary>
    Rejected,

    /// <summary>A zero-byte retained clear: counted as ignored, deletes nothing.</summary>
    Ignored,

    /// <summary>Well-formed but older than what is stored: counted as stale.</summary>
    Stale,

    /// <summary>Mosquitto refuses the PUBLISH itself (ACL or size); the API never sees it.</summary>
    BrokerRefused,
}
