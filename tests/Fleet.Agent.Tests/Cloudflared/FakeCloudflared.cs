using Fleet.Agent.Configuration;
using Fleet.Testing.Mosquitto;

namespace Fleet.Agent.Tests.Cloudflared;

/// <summary>
/// The stand-in cloudflared (tests/Fleet.FakeCloudflared) as an agent would run it: a per-test wrapper script that gives
/// it its control file (and optionally the edge stand-in, HTTPS with a certificate for *.trycloudflare.com from a
/// throwaway CA) and execs it, a free metrics port, and the settings that point the agent at both. Environment
/// variables go through the script, not this process, so parallel tests do not see each other's.
/// </summary>
internal sealed class FakeCloudflared : IDisposable
{
    private FakeCloudflared(string directory, int metricsPort, int? edgePort)
    {
        Directory = directory;
        MetricsAddress = $"127.0.0.1:{metricsPort}";
        EdgePort = edgePort;
    }

    public static string BinaryPath =>
        Path.Combine(RepositoryPaths.Root, "tests", "Fleet.FakeCloudflared", "bin", RepositoryPaths.Configuration, "net10.0", "cloudflared");

    public string Directory { get; }

    /// <summary>The script to give the agent as Agent:Cloudflared:Binary.</summary>
    public string Wrapper => Path.Combine(Directory, "cloudflared");

    public string ControlPath => Path.Combine(Directory, "control.json");

    public string MetricsAddress { get; }

    public int? EdgePort { get; }

    public string CaFile => Path.Combine(Directory, "ca.pem");

    /// <summary>For Agent:Checks:Resolve: the quick tunnel's public names go to the edge stand-in.</summary>
    public string Resolve => $"*.trycloudflare.com:443:127.0.0.1:{EdgePort}";

    /// <param name="control">The control file's first contents, or null for none.</param>
    /// <param name="edge">Also play Cloudflare's edge (HTTPS on a free loopback port).</param>
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public static FakeCloudflared Create(string? control = null, bool edge = false)
    {
        if (!File.Exists(BinaryPath))
        {
            throw new FileNotFoundException("The stand-in cloudflared is not built; build tests/Fleet.FakeCloudflared", BinaryPath);
        }

        var directory = System.IO.Directory.CreateTempSubdirectory("fleet-fake-cloudflared-").FullName;
        var fake = new FakeCloudflared(directory, FreePort.Next(), edge ? FreePort.Next() : null);
        if (control is not null)
        {
            File.WriteAllText(fake.ControlPath, control);
        }

        var exports = $"export FAKE_CLOUDFLARED_CONTROL='{fake.ControlPath}'\n";
        if (edge)
        {
            var cert = Path.Combine(directory, "edge.pem");
            var key = Path.Combine(directory, "edge.key");
            TestCertificates.Write(fake.CaFile, cert, key, "*.trycloudflare.com");
            exports += $"export FAKE_CLOUDFLARED_EDGE='127.0.0.1:{fake.EdgePort}' FAKE_CLOUDFLARED_EDGE_CERT='{cert}' FAKE_CLOUDFLARED_EDGE_KEY='{key}'\n";
        }

        File.WriteAllText(fake.Wrapper, $"#!/bin/sh\n{exports}exec '{BinaryPath}' \"$@\"\n");
        File.SetUnixFileMode(fake.Wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return fake;
    }

    public CloudflaredSettings Settings(string url, TimeSpan restartMinDelay, TimeSpan restartMaxDelay) => new()
    {
        Binary = Wrapper,
        Url = url,
        MetricsAddress = MetricsAddress,
        RestartMinDelay = restartMinDelay,
        RestartMaxDelay = restartMaxDelay,
    };

    /// <summary>Replaces the control file in one step, so the 100 ms poll never reads half of it.</summary>
    public async Task WriteControlAsync(string json)
    {
        var temp = ControlPath + ".tmp";
        await File.WriteAllTextAsync(temp, json);
        File.Move(temp, ControlPath, overwrite: true);
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
