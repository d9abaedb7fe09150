using System.Net;
using Fleet.Api.Auth;
using Fleet.Api.Data;
using Fleet.Domain.Identity;
using Fleet.Domain.Topics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MQTTnet.Protocol;
using MQTTnet.Server;

namespace Fleet.Api.Mqtt;

/// <summary>
/// The in-process broker of the zero-setup default. It authenticates every client (detectors by their stored
/// credential, the API by its in-memory secret, monitoring tools by configuration) and applies the contract's
/// topic rules (<see cref="TopicAcl"/>), the same rules infra/mosquitto/acl gives Mosquitto.
/// </summary>
internal sealed partial class EmbeddedBroker(
    IOptions<MqttOptions> options,
    BrokerCredentialSource apiCredentials,
    IServiceScopeFactory scopes,
    ILogger<EmbeddedBroker> logger) : IHostedService, IAsyncDisposable
{
    private const string RoleItem = "fleet.role";
    private const string UserItem = "fleet.user";
    private const string RevokedItem = "fleet.revoked";
    private MqttServer? _server;

    public int Port => options.Value.Embedded.Port;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var embedded = options.Value.Embedded;
        var serverOptions = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Parse(embedded.BindAddress))
            .WithDefaultEndpointPort(embedded.Port)
            .WithPersistentSessions()
            .Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions);
        _server.ValidatingConnectionAsync += ValidateConnectionAsync;
        _server.InterceptingPublishAsync += InterceptPublishAsync;
        _server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
        await _server.StartAsync();
        LogStarted(embedded.BindAddress, embedded.Port);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is null)
        {
            return;
        }

        try
        {
            await _server.StopAsync();
        }
        catch (InvalidOperationException ex)
        {
            // MQTTnet 5.2 can race while closing listeners ("Collection was modified"); the sockets close with the
            // process anyway, and a shutdown must not fail because of it.
            LogStopFailed(ex.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            _server.Dispose();
            _server = null;
        }

        await Task.CompletedTask;
    }

    private async Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        var role = await AuthenticateAsync(e.UserName ?? string.Empty, e.Password, e.CancellationToken);
        if (role is null)
        {
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            LogRefused(e.RemoteEndPoint?.ToString() ?? "?");
            return;
        }

        if (string.IsNullOrEmpty(e.ClientId))
        {
            e.AssignedClientIdentifier = $"{e.UserName}-{Guid.NewGuid():N}";
        }

        e.SessionItems[RoleItem] = role.Value;
        e.SessionItems[UserItem] = e.UserName ?? string.Empty;
        e.SessionItems.Remove(RevokedItem);
    }

    private async Task<BrokerRole?> AuthenticateAsync(string username, string password, CancellationToken ct)
    {
        if (apiCredentials.IsApi(username, password))
        {
            return BrokerRole.Api;
        }

        foreach (var monitor in options.Value.Embedded.Monitors)
        {
            if (monitor.Username == username && MatchesAccount(monitor, password))
            {
                return BrokerRole.Monitor;
            }
        }

        if (!DetectorId.IsValid(username) || DetectorId.IsReserved(username))
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FleetDbContext>();
        var hash = await db.DetectorCredentials
            .Where(c => c.DetectorId == username && c.RevokedAt == null)
            .Select(c => c.SecretHash)
            .SingleOrDefaultAsync(ct);
        return hash is not null && SecretHash.Matches(password, hash) ? BrokerRole.Detector : null;
    }

    private static bool MatchesAccount(BrokerAccount account, string password) =>
        account.PasswordSha256 is { } hash ? SecretHash.Matches(password, hash)
        : account.Password is { Length: > 0 } plain && SecretHash.Matches(password, SecretHash.Sha256Hex(plain));

    private Task InterceptPublishAsync(InterceptingPublishEventArgs e)
    {
        // Messages the server injects itself carry no client session.
        if (e.SessionItems?[RoleItem] is not BrokerRole role)
        {
            return Task.CompletedTask;
        }

        // A session whose credential was revoked (decommissioned) publishes nothing more, not even its will: the will
        // would re-create the retained status that the decommissioning just cleared.
        var revoked = e.SessionItems.Contains(RevokedItem);
        if (revoked || !TopicAcl.CanPublish(role, e.UserName ?? string.Empty, e.ApplicationMessage.Topic, (int)e.ApplicationMessage.Payload.Length))
        {
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            LogPublishDenied(e.UserName ?? "?", e.ApplicationMessage.Topic);
        }

        return Task.CompletedTask;
    }

    private Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        if (e.SessionItems?[RoleItem] is not BrokerRole role
            || !TopicAcl.CanSubscribe(role, e.UserName ?? string.Empty, e.TopicFilter.Topic))
        {
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker listening on {Address}:{Port}")]
    private partial void LogStarted(string address, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping the embedded broker failed: {Message}")]
    private partial void LogStopFailed(string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded broker refused a connection from {Endpoint}: bad user name or password")]
    private partial void LogRefused(string endpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded broker refused a publish by {Username} to {Topic}")]
    private partial void LogPublishDenied(string username, string topic);
}
