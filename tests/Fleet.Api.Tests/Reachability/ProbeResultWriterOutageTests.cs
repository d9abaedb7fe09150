using Fleet.Api.Data;
using Fleet.Api.Reachability;
using Fleet.Domain.Messages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Fleet.Api.Tests.Reachability;

/// <summary>A probe batch the database cannot take is logged and dropped; the prober calling the sink never sees an exception.</summary>
public sealed class ProbeResultWriterOutageTests
{
    [Fact]
    public async Task WriteAsync_DatabaseUnreachable_LogsAndDropsTheBatchWithoutThrowing()
    {
        // A loopback port nobody listens on: the connection is refused at once.
        var options = new DbContextOptionsBuilder<PostgresFleetDbContext>()
            .UseNpgsql($"Host=127.0.0.1;Port={FreePort.Next()};Database=fleet;Username=fleet;Password=unused;Timeout=2")
            .Options;
        var services = new ServiceCollection()
            .AddScoped<FleetDbContext>(_ => new PostgresFleetDbContext(options))
            .AddSingleton<ISqlDialect, PostgresDialect>()
            .BuildServiceProvider();
        using var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs));
        var sink = new RecordingSink();
        var writer = new ProbeResultWriter(services.GetRequiredService<IServiceScopeFactory>(), sink, new Fleet.Api.Testing.Data.IgnoredDetectorChanges(), TimeProvider.System, factory.CreateLogger<ProbeResultWriter>());

        await writer.WriteAsync([new ProbeResult("pi-042", "web", "https://web1.ngrok-free.app", Checks.Failing(CheckOutcomes.Timeout))], CancellationToken.None);

        Assert.Empty(sink.Published);
        Assert.Contains(logs.Lines, l => l.Contains("probe result(s) failed (Transient)", StringComparison.Ordinal));
    }
}
