namespace Fleet.Cli.Errors;

/// <summary>What <c>fleet</c> exits with, so scripts can tell the failures apart (README, "Command-line tool").</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    public const int Unreachable = 3;
    public const int Unauthorized = 4;
    public const int NotFound = 5;
    public const int NoTunnel = 6;
    public const int NotLoggedIn = 7;
}
