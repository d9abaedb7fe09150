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
/// credential, the API by its in-memory secret, monitoring tools by configuration), ties client ids to identities
/// (EmbeddedBroker.Identity), applies the contract's topic rules (<see cref="TopicAcl"/>, the same rules
/// infra/mosquitto/acl gives Mosquitto), and bounds what unauthenticated clients can hold: connections, time to log in,
/// packet sizes (<see cref="BrokerConnection"/>, over TCP, TLS and WebSockets: <see cref="BrokerTransports"/>) and failed logins (<see cref="FailedLogins"/>).
/// </summary>
internal sealed partial class EmbeddedBroker(
    IOptions<MqttOptions> options,
    IOptions<Monitoring.HomeAssistant.HomeAssistantOptions> homeAssistant,
    BrokerCredentialSource apiCredentials,
    BrokerTransports transports,
    IServiceScopeFactory scopes,
    RetainedStore retained,
    DelayedWills wills,
    TimeProvider clock,
    ILogger<EmbeddedBroker> logger) : IHostedService, IAsyncDisposable
{
    private const string RoleItem = "fleet.role";
    private const string UserItem = "fleet.user";
    private const string RevokedItem = "fleet.revoked";
    private readonly EmbeddedBrokerOptions _embedded = options.Value.Embedded;
    private readonly ClientIdRegistry _clientIds = new();
    private readonly BrokerConnections _connections = new(
        DescriptorBudget.Cap(options.Value.Embedded.MaxConnections, DescriptorBudget.OpenFileLimit()), options.Value.Embedded, clock);
    private readonly FailedLogins _failedLogins = new(options.Value.Embedded);
    private readonly BrokerRefusalLog _refusals = new(logger, clock, options.Value.Embedded.FailedLoginLogInterval);
    private readonly string? _discoveryPrefix = homeAssistant.Value.Enabled ? homeAssistant.Value.Prefix : null;
    private MqttServer? _server;

    public int Port => _embedded.Port;

    /// <summary>Open TCP connections, logged in or not.</summary>
    public int OpenConnections => _connections.Count;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var serverOptions = new MqttServerOptionsBuilder().WithPersistentSessions().Build();
        _server = new MqttServerFactory().CreateMqttServer(serverOptions, transports.Adapters(_connections, _refusals));
        _server.ValidatingConnectionAsync += ValidateConnectionAsync;
        _server.ClientConnectedAsync += OnClientConnectedAsync;
        _server.SessionDeletedAsync += OnSessionDeletedAsync;
        _server.InterceptingPublishAsync += InterceptPublishAsync;
        _server.InterceptingSubscriptionAsync += InterceptSubscriptionAsync;
        // After the login and topic checks above: they see only what those accepted. The retained messages are loaded
        // from the database by StartAsync, before the listener accepts anyone.
        retained.Attach(_server);
        wills.Attach(_server);
        await _server.StartAsync();
        LogStarted(_embedded.BindAddress, _embedded.Port);
        if (_connections.MaxConnections < _embedded.MaxConnections)
        {
            LogConnectionsCapped(_embedded.MaxConnections, _connections.MaxConnections);
        }
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
            // MQTTnet 5.2 can race while closing connections ("Collection was modified"); the sockets close with the
            // process anyway, and a shutdown must not fail because of it.
            LogStopFailed(ex.Message);
        }

        wills.Dispose();
        await retained.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            _server.Dispose();
            _server = null;
        }

        // The retained store and the wills are singletons of their own: the container disposes them.
        _failedLogins.Dispose();
        await Task.CompletedTask;
    }

    private async Task ValidateConnectionAsync(ValidatingConnectionEventArgs e)
    {
        var connection = _connections.Find(e.RemoteEndPoint);
        if (connection is null)
        {
            // Not one of the listener's connections (it already ended): nothing to tie a login to.
            e.ReasonCode = MqttConnectReasonCode.UnspecifiedError;
            return;
        }

        var username = e.UserName ?? string.Empty;
        BrokerRole? role;
        if (apiCredentials.IsApi(username, e.Password))
        {
            // Checked first and never throttled: the API's password is random per process and never leaves it, and its
            // own reconnects come from loopback like a local attacker's attempts.
            role = BrokerRole.Api;
        }
        else if (_failedLogins.IsBlocked(connection.Address))
        {
            e.ReasonCode = MqttConnectReasonCode.ConnectionRateExceeded;
            e.ReasonString = "Too many failed logins from this address; try again in a minute.";
            KeepReasonWithoutClientId(e);
            _refusals.LoginRefused(e.RemoteEndPoint, "too many failed logins from this address");
            return;
        }
        else
        {
            role = await AuthenticateAsync(username, e.Password, e.CancellationToken);
        }

        if (role is null)
        {
            _failedLogins.Record(connection.Address);
            e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
            KeepReasonWithoutClientId(e);
            _refusals.LoginRefused(e.RemoteEndPoint, "bad user name or password");
            return;
        }

        var identity = new BrokerIdentity(role.Value, username);
        if (await ClaimClientIdAsync(e, identity) is { } refusal)
        {
            e.ReasonCode = refusal.Code;
            e.ReasonString = refusal.Reason;
            _refusals.LoginRefused(e.RemoteEndPoint, refusal.Reason);
            return;
        }

        _connections.LogIn(connection, identity);
        e.SessionItems[RoleItem] = identity.Role;
        e.SessionItems[UserItem] = identity.Username;
    }

    /// <summary>
    /// MQTTnet answers "client identifier not valid" to a CONNECT without a client id unless the handler assigned one,
    /// whatever reason the handler gave; a refused login gets a placeholder (never used: the connection is closed) so
    /// the client hears the real reason, as it does with a client id of its own.
    /// </summary>
    private static void KeepReasonWithoutClientId(ValidatingConnectionEventArgs e)
    {
        if (string.IsNullOrEmpty(e.ClientId))
        {
            e.AssignedClientIdentifier = "refused";
        }
    }

    /// <summary>Monitors (configuration), then detectors (database). The API identity is checked by the caller.</summary>
    private async Task<BrokerRole?> AuthenticateAsync(string username, string password, CancellationToken ct)
    {
        foreach (var monitor in _embedded.Monitors)
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
        if (revoked || !TopicAcl.CanPublish(role, e.UserName ?? string.Empty, e.ApplicationMessage.Topic, (int)e.ApplicationMessage.Payload.Length, _discoveryPrefix))
        {
            e.ProcessPublish = false;
            e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
            _refusals.PublishRefused(e.UserName ?? "?", e.ApplicationMessage.Topic);
        }

        return Task.CompletedTask;
    }

    private Task InterceptSubscriptionAsync(InterceptingSubscriptionEventArgs e)
    {
        if (e.SessionItems?[RoleItem] is not BrokerRole role
            || !TopicAcl.CanSubscribe(role, e.UserName ?? string.Empty, e.TopicFilter.Topic, _discoveryPrefix))
        {
            e.ProcessSubscription = false;
            e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded MQTT broker listening on {Address}:{Port}")]
    private partial void LogStarted(string address, int port);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedded broker: Mqtt:Embedded:MaxConnections {Configured} lowered to {Effective}, half of the process's open-file limit, so HTTP keeps descriptors while the broker is full; raise the limit (ulimit -n, LimitNOFILE) to allow more")]
    private partial void LogConnectionsCapped(int configured, int effective);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping the embedded broker failed: {Message}")]
    private partial void LogStopFailed(string message);
}
