namespace Fleet.FakeNgrok;

/// <summary>Kestrel on web_addr with no logging: stdout carries only ngrok-like records.</summary>
internal static class FakeWebHost
{
    public static WebApplication Build(FakeConfig config, FakeAgentState state)
    {
        // No args: ngrok's flags must not become configuration keys.
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        string addr = config.WebAddr.StartsWith(':') ? "0.0.0.0" + config.WebAddr : config.WebAddr;
        builder.WebHost.UseUrls("http://" + addr);
        WebApplication app = builder.Build();
        app.MapNgrokApi(state);
        return app;
    }
}
