using Fleet.Api.Auth;
using Fleet.Api.Data;
using Fleet.Api.Detectors;
using Fleet.Api.Ingest;
using Fleet.Api.Mqtt;
using Fleet.Api.PresenceSweep;
using Fleet.Api.Startup;

var builder = WebApplication.CreateBuilder(args);

builder.AddFleetHttp();
builder.AddFleetData();
builder.AddFleetAuth();
builder.AddFleetMqtt();
builder.AddFleetIngest();
builder.AddFleetPresence();

var app = builder.Build();

app.UseFleetHttp();
app.MapDetectorEndpoints();

await app.PrepareFleetAsync();
app.PrintBannerWhenStarted();
await app.RunAsync();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
