using Microsoft.Extensions.Options;

namespace Fleet.Agent.Commands;

/// <summary>
/// `fleet-agent run` checks its options before the host starts, so a wrong setting prints one line per problem
/// (<c>fleet-agent: …</c>, each naming its key, as `check` lists them) and exits 1, instead of the host's
/// "Hosting failed to start" with a stack trace and exit 134.
/// </summary>
internal static class StartupErrors
{
    public const int ExitCode = 1;

    /// <summary>The problems <paramref name="services"/>' start-time validation finds; empty when it can start.</summary>
    public static IReadOnlyList<string> Find(IServiceProvider services)
    {
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
            return [];
        }
        catch (Exception ex) when (Problems(ex) is { Count: > 0 } problems)
        {
            return problems;
        }
    }

    private static List<string> Problems(Exception exception) => exception switch
    {
        OptionsValidationException invalid => [.. invalid.Failures],
        AggregateException many => [.. many.InnerExceptions.SelectMany(Problems)],
        // ConfigurationBinder: "Failed to convert configuration value … at 'Agent:…' to type '…'." names the key.
        InvalidOperationException binding when binding.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal) =>
            [binding.Message],
        _ => [],
    };
}
