using System.Globalization;

using Fleet.Testing.Processes;

namespace Fleet.Testing.Mosquitto;

/// <summary>
/// Runs the real mosquitto_pub / mosquitto_sub clients (MQTT 5), so tests can check the API against a
/// client that is not MQTTnet: what an operator would type by hand must work too.
/// </summary>
public static class MosquittoCli
{
    // mosquitto_sub exits with this when -W runs out before -C messages arrived.
    private const int SubscribeTimedOutExitCode = 27;

    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Publishes one message; returns mosquitto_pub's exit code and standard error. An ACL refusal
    /// (PUBACK 0x87) still exits 0: it shows only as "Warning: Publish 1 failed: Not authorized." on
    /// standard error, so check that too.
    /// </summary>
    public static async Task<(int ExitCode, string StandardError)> PublishAsync(
        string host,
        int port,
        string user,
        string password,
        string topic,
        string payload,
        bool retain,
        int qos = 1,
        CancellationToken ct = default)
    {
        List<string> arguments = Common(host, port, user, password, "pub");
        arguments.AddRange(["-t", topic, "-m", payload, "-q", qos.ToString(CultureInfo.InvariantCulture)]);
        if (retain)
        {
            arguments.Add("-r");
        }

        (int exitCode, _, string error) = await ChildProcess.RunAsync(Find("mosquitto_pub"), arguments, PublishTimeout, ct: ct);
        return (exitCode, error);
    }

    /// <summary>
    /// Subscribes (QoS 1) until <paramref name="messageCount"/> messages arrived or <paramref name="timeout"/>
    /// passed, and returns what arrived as "topic payload" lines (fewer than asked on timeout). The
    /// subscription starts when the process does: for messages published later, start this call first
    /// and publish only once the broker has the subscription, or rely on retained messages.
    /// </summary>
    public static async Task<IReadOnlyList<string>> SubscribeAsync(
        string host,
        int port,
        string user,
        string password,
        string topicFilter,
        int messageCount,
        TimeSpan timeout,
        CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(messageCount);
        int seconds = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
        List<string> arguments = Common(host, port, user, password, "sub");
        arguments.AddRange(["-t", topicFilter, "-q", "1", "-v",
            "-C", messageCount.ToString(CultureInfo.InvariantCulture),
            "-W", seconds.ToString(CultureInfo.InvariantCulture)]);

        // -W bounds the wait; the extra margin is for the process start and connect.
        (int exitCode, string output, string error) = await ChildProcess.RunAsync(
            Find("mosquitto_sub"), arguments, TimeSpan.FromSeconds(seconds + 15), ct: ct);
        // A refused login exits with the CONNACK reason (135 = not authorized) and says so on stderr.
        if (exitCode != 0 && exitCode != SubscribeTimedOutExitCode)
        {
            throw new InvalidOperationException(
                $"mosquitto_sub -t {topicFilter} as '{user}' on {host}:{port} failed with exit code {exitCode}: {error} {output}");
        }

        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    // The 2.0.11 clients send an empty client id unless given one, which the broker refuses
    // (allow_zero_length_clientid false): "Connection error: Unspecified error" with MQTT 5. A publisher logs in as a
    // detector, whose client id must be its id on the embedded broker (the README's `mosquitto_pub -i pi-042 -u pi-042`).
    private static List<string> Common(string host, int port, string user, string password, string kind) =>
    [
        "-h", host,
        "-p", port.ToString(CultureInfo.InvariantCulture),
        "-u", user,
        "-P", password,
        "-V", "mqttv5",
        "-i", kind == "pub" ? user : $"cli-{kind}-{Guid.NewGuid():N}",
    ];

    private static string Find(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, tool))
            .Append(Path.Combine("/usr/bin", tool))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException($"{tool} not found: apt-get install -y mosquitto mosquitto-clients");
}
