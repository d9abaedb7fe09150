namespace Fleet.Api.Auth;

public static class Roles
{
    public const string Reader = "reader";
    public const string Admin = "admin";

    public const string ReaderPolicy = "fleet-reader";
    public const string AdminPolicy = "fleet-admin";
}
