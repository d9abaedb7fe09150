using Fleet.Api.Mqtt;
using Fleet.Domain.Topics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Startup;

/// <summary>Tells a new user, once the API listens, where it is and how to use it.</summary>
public static class StartupBanner
{
    public static void PrintBannerWhenStarted(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var http = addresses.FirstOrDefault() ?? "http://localhost:5000";
            var mqtt = app.Services.GetRequiredService<IOptions<MqttOptions>>().Value;
            var development = app.Services.GetRequiredService<DevelopmentCredentials>();
            var writer = Console.Out;
            writer.WriteLine();
            writer.WriteLine("Fleet API is running.");
            writer.WriteLine($"  HTTP:        {string.Join(", ", addresses)}");
            writer.WriteLine($"  Swagger UI:  {http}/swagger");
            writer.WriteLine(mqtt.Mode == MqttMode.Embedded
                ? $"  MQTT:        embedded broker on port {mqtt.Embedded.Port} (detectors connect here)"
                : $"  MQTT:        external broker {mqtt.Host}:{mqtt.Port}");
            if (!development.IsEnabled)
            {
                return;
            }

            var reader = development.ApiKeys[0].Key;
            var admin = development.ApiKeys[1].Key;
            var id = DevelopmentCredentials.DetectorId;
            writer.WriteLine();
            writer.WriteLine("DEVELOPMENT CREDENTIALS (generated for this machine, kept in data/development-credentials.json; never use them in production):");
            writer.WriteLine($"  reader API key:  {reader}");
            writer.WriteLine($"  admin API key:   {admin}");
            writer.WriteLine($"  detector:        user {id}, password {development.DetectorPassword}");
            writer.WriteLine($"  monitor:         user monitor, password {development.MonitorPassword}");
            writer.WriteLine();
            writer.WriteLine("Try it:");
            writer.WriteLine($"  mosquitto_pub -V mqttv5 -q 1 -r -h localhost -p {mqtt.Embedded.Port} -u {id} -P '{development.DetectorPassword}' \\");
            writer.WriteLine($"    -t {FleetTopics.State(id)} -f docs/examples/state.json");
            writer.WriteLine($"  curl -s -H 'X-Api-Key: {reader}' {http}/detectors | jq");
            writer.WriteLine($"  mosquitto_sub -V mqttv5 -h localhost -p {mqtt.Embedded.Port} -u monitor -P '{development.MonitorPassword}' -t 'fleet/v1/#' -v");
            writer.WriteLine();
        });
    }
}
