namespace Fleet.Api.Tests.EndToEnd;

public sealed record DetectorSetup(string Id, string Password, string WorkDirectory, string PasswordFile)
{
    public string StateDirectory => Path.Combine(WorkDirectory, "state");

    public string LogDirectory => Path.Combine(WorkDirectory, "log");
}
