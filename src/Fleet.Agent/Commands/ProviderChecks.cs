using Fleet.Agent.Configuration;
using Fleet.Agent.Ngrok;

namespace Fleet.Agent.Commands;

/// <summary>The provider-specific part of `check`.</summary>
internal static class ProviderChecks
{
    /// <summary>Checks every provider of the chain (Agent:Providers): a fallback that cannot start is no fallback.</summary>
    public static async Task<bool> RunAsync(AgentOptions options, Func<string, string?, bool> report)
    {
        var ok = true;
        foreach (var kind in options.EffectiveProviders)
        {
            ok &= await RunAsync(kind, options, report);
        }

        return ok;
    }

    private static async Task<bool> RunAsync(string kind, AgentOptions options, Func<string, string?, bool> report)
    {
        if (kind == "ngrok")
        {
            return await CheckNgrokAsync(options.Ngrok, report);
        }

        var ok = kind switch
        {
            "reverse-ssh" => report($"ssh binary {options.ReverseSsh.Binary}", FindBinary(options.ReverseSsh.Binary))
                && (options.ReverseSsh.IdentityFile is null || report($"identity file {options.ReverseSsh.IdentityFile}",
                    File.Exists(options.ReverseSsh.IdentityFile) ? null : "does not exist")),
            "cloudflared" => report($"cloudflared binary {options.Cloudflared.Binary}", FindBinary(options.Cloudflared.Binary) is { } missing
                ? $"{missing}: install cloudflared from Cloudflare's Debian repository (pkg.cloudflare.com) or its .deb, see infra/agent/README.md"
                : null),
            "static" => report("static tunnels", null),
            _ => true,
        };
        return ok;
    }

    private static async Task<bool> CheckNgrokAsync(NgrokSettings ngrok, Func<string, string?, bool> report)
    {
        var ok = !ngrok.ManageProcess || report($"ngrok binary {ngrok.Binary}", FindBinary(ngrok.Binary));
        Uri? api = ngrok.ApiAddress is { } configured ? new Uri(configured.Contains("://", StringComparison.Ordinal) ? configured : "http://" + configured) : null;
        foreach (var file in ngrok.EffectiveConfigFiles)
        {
            try
            {
                var config = NgrokConfig.Load(file);
                var problem = config.ValidateWebAddrIsLoopback() ?? (config.HasAuthtoken || ngrok.EffectiveConfigFiles.Count > 1 ? null : "no authtoken in it");
                ok &= report($"ngrok config {file} (version {config.Version})", problem);
                api ??= config.ApiBaseAddress;
            }
            catch (Exception ex) when (ex is FileNotFoundException or InvalidDataException or UnauthorizedAccessException)
            {
                ok &= report($"ngrok config {file}", ex.Message);
            }
        }

        if (api is null)
        {
            return ok;
        }

        using var http = NgrokApiClient.CreateHttpClient(api, TimeSpan.FromSeconds(3));
        try
        {
            var status = await new NgrokApiClient(http).GetStatusAsync(CancellationToken.None);
            var tunnels = await new NgrokApiClient(http).GetTunnelsAsync(CancellationToken.None);
            Console.WriteLine($"       ngrok {status.AgentVersion ?? "(version unknown)"}: {tunnels.Count} tunnel(s): {string.Join(", ", tunnels.Select(t => t.PublicUrl))}");
            return ok & report($"ngrok local API {api}", null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidDataException)
        {
            // Not fatal for a check: the agent starts ngrok itself.
            Console.WriteLine($"       ngrok local API {api} does not answer ({ex.Message}); it will once the agent runs ngrok");
            return ok;
        }
    }

    internal static string? FindBinary(string binary)
    {
        if (binary.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(binary) ? null : "does not exist";
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(':').Any(dir => File.Exists(Path.Combine(dir, binary))) ? null : "not found on PATH";
    }
}
