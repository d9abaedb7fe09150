using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using Fleet.Api.Ingest;
using Fleet.Api.Reachability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Tests.Probe;

/// <summary>
/// The API's real prober (egress policy, handler, classifier, metrics) built without a host, with the options, the
/// resolver and the proxy a test chooses, and a listener on its own meter that counts refusals by reason.
/// </summary>
internal sealed class ProbeHarness : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly MeterListener _listener = new();
    private readonly ProbeConnections _connections;

    // xunit 2 has no per-test token: this one bounds a failing test (not a speed assertion).
    private readonly CancellationTokenSource _test = new(TimeSpan.FromSeconds(60));

    public ProbeHarness(ProbeOptions options, IProbeResolver? resolver = null, IngestOptions? ingest = null, IWebProxy? proxy = null)
    {
        Options = options;
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = _services.GetRequiredService<IMeterFactory>();
        var probeProxy = new ProbeProxy(proxy ?? new NoProxy());
        var wrapped = Microsoft.Extensions.Options.Options.Create(options);
        var egress = new ProbeEgress(resolver ?? new ProbeResolver(wrapped), probeProxy, wrapped, Microsoft.Extensions.Options.Options.Create(ingest ?? new IngestOptions()));
        _connections = new ProbeConnections(probeProxy, wrapped);
        Prober = new UrlProber(egress, _connections, new ProbeMetrics(meterFactory), TimeProvider.System, wrapped, NullLogger<UrlProber>.Instance);

        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == meterFactory && instrument.Name == "fleet.probe.refusals")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "reason")
                {
                    Refusals.AddOrUpdate((string)tag.Value!, value, (_, old) => old + value);
                }
            }
        });
        _listener.Start();
    }

    public ProbeOptions Options { get; }

    public UrlProber Prober { get; }

    public CancellationToken Token => _test.Token;

    public ConcurrentDictionary<string, long> Refusals { get; } = new();

    /// <summary>Loopback allowed (as a test or an on-premise relay would name it), names fixed by Probe:Resolve.</summary>
    public static ProbeOptions LoopbackAllowed(TimeSpan? timeout = null, params string[] resolve) => new()
    {
        AllowedNetworks = ["127.0.0.0/8"],
        Resolve = [.. resolve],
        Timeout = timeout ?? TimeSpan.FromSeconds(10),
    };

    public Task<ProbeAttempt> ProbeAsync(string url) => Prober.ProbeAsync(url, Token);

    public void Dispose()
    {
        _listener.Dispose();
        _connections.Dispose();
        _test.Dispose();
        _services.Dispose();
    }

    /// <summary>No environment proxy, whatever this process's environment says.</summary>
    private sealed class NoProxy : IWebProxy
    {
        public ICredentials? Credentials { get; set; }

        public Uri? GetProxy(Uri destination) => null;

        public bool IsBypassed(Uri host) => true;
    }
}
