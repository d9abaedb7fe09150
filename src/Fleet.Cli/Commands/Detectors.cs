using Fleet.Cli.Api;
using Fleet.Cli.Api.Models;
using Fleet.Cli.Errors;

namespace Fleet.Cli.Commands;

/// <summary>Reading one detector, shared by show, open, ssh and proxy.</summary>
internal static class Detectors
{
    /// <summary>Ids as <c>ssh</c> hands them to a ProxyCommand: <c>pi-042.fleet</c> is <c>pi-042</c>.</summary>
    public static string NormalizeId(string id) =>
        id.EndsWith(".fleet", StringComparison.OrdinalIgnoreCase) ? id[..^".fleet".Length] : id;

    public static async Task<DetectorView> GetAsync(FleetApi api, string id, CancellationToken ct) =>
        await api.CallAsync(c => api.Client.Detectors[id].GetAsync(cancellationToken: c), ct, id)
        ?? throw new CliException(ExitCodes.NotFound, $"unknown detector '{id}'");

    /// <summary>A lost or offline detector's URLs are its last ones, not necessarily current: say so, then try anyway.</summary>
    public static void WarnIfNotOnline(DetectorView detector)
    {
        if (detector.Status is not Presence.Online)
        {
            Console.Error.WriteLine($"fleet: warning: '{detector.Id}' is {Output.DetectorText.Status(detector)}; its last URL may not be current");
        }
    }
}
