using Fleet.Api.Startup;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Mqtt;

public static class MqttExtensions
{
    public static IHostApplicationBuilder AddFleetMqtt(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MqttOptions>()
            .BindConfiguration(MqttOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.Mode == MqttMode.Embedded || !string.IsNullOrEmpty(o.Password), "Mqtt:Password is required when Mqtt:Mode is External.")
            .ValidateOnStart();
        builder.Services.AddSingleton<IPostConfigureOptions<MqttOptions>, EmbeddedDefaults>();
        builder.Services.AddSingleton<IValidateOptions<MqttOptions>, EmbeddedBrokerOptionsValidation>();
        builder.Services.AddSingleton<BrokerCredentialSource>();
        builder.Services.AddSingleton<BrokerWebSockets>();
        builder.Services.AddSingleton<BrokerTransports>();
        builder.Services.AddSingleton<IValidateOptions<MqttOptions>, BrokerTransportsValidation>();

        var mode = builder.Configuration.GetValue<MqttMode?>($"{MqttOptions.Section}:Mode") ?? MqttMode.Embedded;
        if (mode == MqttMode.Embedded)
        {
            // Registered before the client so the broker listens before the client connects.
            builder.Services.AddSingleton<RetainedStore>();
            builder.Services.AddSingleton<DelayedWills>();
            builder.Services.AddSingleton<EmbeddedBroker>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
        }

        builder.Services.AddSingleton<MqttConnection>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<MqttConnection>());
        builder.Services.AddSingleton<RetiredDetectorBroker>();
        builder.Services.AddHealthChecks().AddCheck<MqttHealthCheck>("mqtt", tags: ["ready"]);
        return builder;
    }

    /// <summary>MQTT over WebSockets at <c>Mqtt:Embedded:WebSocketPath</c> (default <c>/mqtt</c>) when the broker is embedded.</summary>
    public static WebApplication MapFleetMqtt(this WebApplication app)
    {
        var webSockets = app.Services.GetRequiredService<BrokerWebSockets>();
        if (webSockets.Path is { } path)
        {
            app.UseWebSockets();

            // Anonymous and outside the HTTP rate limits: the MQTT login is the authentication, and the broker's own
            // limits (connections per address, the connect deadline, failed logins) apply to it as to TCP.
            app.Map(path, webSockets.ServeAsync).AllowAnonymous().DisableRateLimiting().ExcludeFromDescription();
        }

        return app;
    }

    /// <summary>With the embedded broker the client talks to it over loopback, and Development gets a monitor account.</summary>
    private sealed class EmbeddedDefaults(DevelopmentCredentials development) : IPostConfigureOptions<MqttOptions>
    {
        public void PostConfigure(string? name, MqttOptions options)
        {
            if (options.Mode != MqttMode.Embedded)
            {
                return;
            }

            options.Host = "127.0.0.1";
            // An out-of-range Mqtt:Embedded:Port is reported under that key alone, not a second time as Mqtt:Port.
            options.Port = options.Embedded.Port is >= 1 and <= 65535 ? options.Embedded.Port : options.Port;
            options.UseTls = false;
            options.SharedGroup = null;
            if (development.MonitorPassword is { } password && options.Embedded.Monitors.All(m => m.Username != "monitor"))
            {
                options.Embedded.Monitors.Add(new BrokerAccount { Username = "monitor", Password = password });
            }
        }
    }
}
