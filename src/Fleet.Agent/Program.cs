using Fleet.Agent;

var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSystemd();
builder.Services.AddHostedService<AgentService>();

var host = builder.Build();
await host.RunAsync();
