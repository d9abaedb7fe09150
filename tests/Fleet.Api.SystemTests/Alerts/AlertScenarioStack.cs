using Fleet.Api.SystemTests.Faults.Support;
using Fleet.Testing.Alerts;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Alerts;

/// <summary>
/// One alert scenario's world: its own Mosquitto and database (<see cref="FaultStack"/>), the SMTP sink, the API as a
/// process configured for it, both destinations with the receiver, and provisioned detectors.
/// </summary>
internal sealed class AlertScenarioStack : IAsyncDisposable
{
    private AlertScenarioStack(FaultStack stack, SmtpSink sink, ApiProcess api, AlertOutlets outlets, AlertDetectors detectors)
    {
        Stack = stack;
        Sink = sink;
        Api = api;
        Alerts = new AlertsApi(api);
        Outlets = outlets;
        Detectors = detectors;
    }

    public FaultStack Stack { get; }

    public SmtpSink Sink { get; }

    public ApiProcess Api { get; }

    public AlertsApi Alerts { get; }

    public AlertOutlets Outlets { get; }

    public AlertDetectors Detectors { get; }

    /// <param name="connectionString">A database the test brings (a cluster it will restart), else one on the shared server.</param>
    /// <param name="extra">Settings over <see cref="AlertSettings.Fast"/>.</param>
    public static async Task<AlertScenarioStack> StartAsync(
        string prefix, int detectors, ITestOutputHelper output, string? connectionString = null,
        IReadOnlyDictionary<string, string?>? extra = null, CancellationToken ct = default)
    {
        var stack = await FaultStack.StartAsync(prefix, connectionString: connectionString, ct: ct);
        SmtpSink? sink = null;
        AlertOutlets? outlets = null;
        try
        {
            sink = await SmtpSink.StartAsync(ct: ct);
            var settings = AlertSettings.Fast(sink);
            foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
            {
                settings[key] = value;
            }

            var api = await stack.StartApiAsync("api", extra: settings, ct: ct);
            var alerts = new AlertsApi(api);
            outlets = await AlertOutlets.CreateAsync(alerts, sink, ct);
            var fleet = await AlertDetectors.ProvisionAsync(stack, detectors, prefix.Replace('_', '-') + "-", output);
            return new AlertScenarioStack(stack, sink, api, outlets, fleet);
        }
        catch
        {
            if (outlets is not null)
            {
                await outlets.DisposeAsync();
            }

            if (sink is not null)
            {
                await sink.DisposeAsync();
            }

            await stack.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until the rule has an alert matching <paramref name="done"/> and returns the rule's alerts then.</summary>
    public Task<List<Fleet.Api.Alerts.Rules.AlertView>> WaitAlertsAsync(
        long ruleId, Func<List<Fleet.Api.Alerts.Rules.AlertView>, bool> done, string what, CancellationToken ct) =>
        Eventually.GetAsync(() => Alerts.AlertsAsync(ruleId, ct), done, what, TimeSpan.FromSeconds(60));

    /// <summary>Waits until every delivery of the alert is delivered and there are <paramref name="count"/> of them.</summary>
    public Task<List<Fleet.Api.Alerts.Delivery.DeliveryView>> WaitDeliveredAsync(long alertId, int count, CancellationToken ct, TimeSpan? timeout = null) =>
        Eventually.GetAsync(
            () => Alerts.DeliveriesAsync(alertId, ct),
            d => d.Count == count && d.All(x => x.Status == Fleet.Api.Alerts.Delivery.DeliveryStatuses.Delivered),
            $"alert {alertId}: {count} deliveries delivered",
            timeout ?? TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync()
    {
        await Detectors.DisposeAsync();
        await Outlets.DisposeAsync();
        await Stack.DisposeAsync();
        await Sink.DisposeAsync();
    }
}
