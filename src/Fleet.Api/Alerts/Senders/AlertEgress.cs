using Fleet.Api.Egress;
using Fleet.Domain.Validation;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Alerts.Senders;

/// <summary>
/// The alerts' one way out: the checked connect (Alerts:AllowedNetworks) and ONE long-lived HTTP client over it for
/// every webhook, ntfy and Slack destination, so connections are pooled per destination host and never per request.
/// </summary>
internal sealed class AlertEgress : IDisposable
{
    public AlertEgress(IEgressResolver resolver, IOptions<AlertSenderOptions> options)
    {
        var o = options.Value;
        Connector = new EgressConnector(resolver, [.. o.AllowedNetworks.Select(n => UrlPolicy.ParseNetwork(n)).OfType<System.Net.IPNetwork>()], o.SendTimeout);
        Http = new HttpClient(EgressHttp.Handler(Connector), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
        Http.DefaultRequestHeaders.UserAgent.ParseAdd("fleet-alerts/1");
    }

    public EgressConnector Connector { get; }

    public HttpClient Http { get; }

    public void Dispose() => Http.Dispose();
}
