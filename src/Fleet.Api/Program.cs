using Fleet.Api.Alerts.Rules;
using Fleet.Api.Alerts.Delivery;
using Fleet.Api.Alerts.Senders;
using Fleet.Api.Audit;
using Fleet.Api.Auth;
using Fleet.Api.Data;
using Fleet.Api.Detectors;
using Fleet.Api.Errors;
using Fleet.Api.Events;
using Fleet.Api.History;
using Fleet.Api.Ingest;
using Fleet.Api.Limits;
using Fleet.Api.Links;
using Fleet.Api.Metrics;
using Fleet.Api.Monitoring;
using Fleet.Api.Mqtt;
using Fleet.Api.OpenApi;
using Fleet.Api.PresenceSweep;
using Fleet.Api.Provisioning;
using Fleet.Api.Registry;
using Fleet.Api.Reachability;
using Fleet.Api.Relays;
using Fleet.Api.Startup;

// A configuration error ends the start with one line naming the key and the fix (StartupFailure), not a stack trace.
try
{
    var builder = WebApplication.CreateBuilder(args);

    builder.AddFleetHttp();
    builder.AddFleetErrors();
    builder.AddFleetLimits();
    builder.AddFleetOpenApi();
    builder.AddFleetData();
    builder.AddFleetAudit();
    builder.AddFleetDetectors();
    builder.AddFleetRegistry();
    builder.AddFleetAuth();
    builder.AddFleetMqtt();
    builder.AddFleetIngest();
    builder.AddFleetReachability();
    builder.AddFleetProbe();
    builder.AddFleetMonitoring();
    builder.AddFleetHistory();
    builder.AddFleetPresence();
    builder.AddFleetMetrics();
    builder.AddFleetEvents();
    builder.AddFleetProvisioning();
    builder.AddFleetRelays();
    builder.AddFleetLinks();
    builder.AddFleetAlertRules();
    builder.AddFleetAlertDelivery();
    builder.AddFleetAlertSenders();

    // `fleet-api detectors provision|revoke|export-mosquitto …`: same configuration, no web host.
    if (ProvisioningCli.Handles(args))
    {
        return await ProvisioningCli.RunAsync(builder, args);
    }

    var app = builder.Build();

    app.UseFleetHttp();
    app.MapFleetOpenApi();
    app.MapDetectorEndpoints();
    app.MapHistoryEndpoints();
    app.MapLinkEndpoints();
    app.MapReachabilityWords();
    app.MapFleetMetrics();
    app.MapFleetMqtt();
    app.MapSessionEndpoints();
    app.MapEventEndpoints();
    app.MapProvisioningEndpoints();
    app.MapRelayEndpoints();
    app.MapAlertRuleEndpoints();
    app.MapAlertDeliveryEndpoints();
    app.MapAuditEndpoints();

    await app.PrepareFleetAsync();
    app.PrintBannerWhenStarted();
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (StartupFailure.Explain(ex) is { } explanation)
{
    await Console.Error.WriteLineAsync(explanation);
    return StartupFailure.ExitCode;
}

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
