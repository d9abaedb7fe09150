namespace Fleet.Simulator.Cli;

internal static class Usage
{
    public const string Text = """
        fleet-sim: many simulated Fleet detectors in one process, or a subscriber that only counts.
        Progress goes to stderr; one JSON summary goes to stdout; exit 0 on success, 2 on a usage error.

          fleet-sim run --host H --port P --credentials FILE [--count N] [--offset 0]
              [--rate MSGS_PER_S]      state messages/s across the fleet after connect (0 = heartbeats only; default 0)
              [--heartbeat SECONDS]    per-detector heartbeat (state republished with the next seq), default 60
              [--url-churn FRACTION]   fraction of rate-driven messages that change a tunnel URL, 0..1, default 0
              [--crash-rate PER_HOUR]  per-detector abrupt disconnects (no DISCONNECT: the broker sends the will),
                                       back after a jittered downtime with a new epoch; default 0
              [--connect-rate PER_S]   connection ramp; 0 = all at once (a reconnect storm), default 0
              [--duration SECONDS]     run time after all are connected; 0 = connect, publish online and state once,
                                       wait for every PUBACK, say offline and disconnect; default 0
              [--keepalive S] (30) [--will-delay S] (10) [--epoch-base E] (Unix ms) [--acked-out FILE] [--quiet]
              [--reconnect-min S] (1) [--reconnect-max S] (30)   jittered backoff after a lost broker
              [--max-connecting N] (256)   connection attempts in flight at once (the broker's accept backlog)
              [--connect-timeout S] (300)  give up waiting for the whole fleet to connect after this long
              [--tunnel-port P]        tunnels http://<id>.sim.ngrok-free.app:P/v<n> and tcp://<id>.sim.ngrok-free.app:P
                                       (one stable host per detector, for a stand-in endpoint behind Probe:Resolve);
                                       URL churn changes the path only; default: ngrok-shaped URLs
            --acked-out writes {"<id>":{"epoch":E,"seq":S,"tunnels":{"<name>":"<url>"}}}: each detector's last state
            whose PUBACK the broker returned.

          fleet-sim count --host H --port P --username U --password-file F
              [--topic 'fleet/v1/detectors/+/state'] [--shared-group G] [--expect N] [--duration SECONDS] [--retained]
            An MQTT 5 QoS 1 clean-start subscriber that only counts (acknowledging at once). Retained messages are not
            requested unless --retained. Prints "subscribed" on stderr when ready; exits after --expect messages or
            --duration seconds. "seconds" runs from the first message to the last.

        Credentials FILE: one `id,password` per line (fleet-api detectors provision-many writes it).
        10,000 connections need 10,000 file descriptors in this process and in the broker: `ulimit -n 65536` first
        (.NET raises its soft limit to the hard limit by itself; the broker's shell must do it).
        """;
}
