using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Fleet.FakeNgrok;

/// <summary>
/// Kestrel for the edge stand-in, on FAKE_NGROK_EDGE (address:port), HTTPS with FAKE_NGROK_EDGE_CERT and
/// FAKE_NGROK_EDGE_KEY (PEM files) when both are set, else plain HTTP. Null when FAKE_NGROK_EDGE is unset.
/// </summary>
internal static class EdgeHost
{
    public const string AddressVariable = "FAKE_NGROK_EDGE";
    public const string CertVariable = "FAKE_NGROK_EDGE_CERT";
    public const string KeyVariable = "FAKE_NGROK_EDGE_KEY";

    public static WebApplication? Build(FakeAgentState state)
    {
        string? address = Environment.GetEnvironmentVariable(AddressVariable);
        if (string.IsNullOrEmpty(address))
        {
            return null;
        }

        string? cert = Environment.GetEnvironmentVariable(CertVariable);
        string? key = Environment.GetEnvironmentVariable(KeyVariable);
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPEndPoint.Parse(address), listen =>
        {
            if (!string.IsNullOrEmpty(cert) && !string.IsNullOrEmpty(key))
            {
                listen.UseHttps(X509Certificate2.CreateFromPemFile(cert, key));
            }
        }));
        WebApplication app = builder.Build();
        EdgeProxy proxy = new(state);
        app.Lifetime.ApplicationStopped.Register(proxy.Dispose);
        app.Run(async context => await (await proxy.HandleAsync(context)).ExecuteAsync(context));
        return app;
    }
}
