using Fleet.Api.Alerts.Delivery;
using Fleet.Api.Alerts.Senders;
using Fleet.Api.Egress;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Tests.Alerts.Senders;

/// <summary>The senders as the API registers them (AddFleetAlertSenders), with the test's configuration, resolver and certificate trust.</summary>
internal sealed class SenderHarness : IDisposable
{
    private readonly IHost host;

    public SenderHarness(IReadOnlyDictionary<string, string?> configuration, IEgressResolver? resolver = null, SmtpTrust? trust = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(configuration);
        if (resolver is not null)
        {
            builder.Services.AddSingleton(resolver);
        }

        if (trust is not null)
        {
            builder.Services.AddSingleton(trust);
        }

        builder.AddFleetAlertSenders();
        host = builder.Build();
    }

    /// <summary>Receivers in these tests listen on loopback, which the egress rules allow only when named.</summary>
    public static Dictionary<string, string?> LoopbackAllowed(params (string Key, string? Value)[] more)
    {
        Dictionary<string, string?> configuration = new() { ["Alerts:AllowedNetworks:0"] = "127.0.0.0/8", ["Alerts:SendTimeout"] = "00:00:05" };
        foreach (var (key, value) in more)
        {
            configuration[key] = value;
        }

        return configuration;
    }

    public IAlertSender Sender(string type) => host.Services.GetServices<IAlertSender>().Single(s => s.Type == type);

    /// <summary>What the API does first at start (StartupChecks): every ValidateOnStart option checked.</summary>
    public void ValidateAtStart() => host.Services.GetRequiredService<IStartupValidator>().Validate();

    public void Dispose() => host.Dispose();
}
