using System.Text.Json;
using Fleet.Api.Data;
using Fleet.Domain.Topics;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Fleet.Api.SystemTests.Ingest;

/// <summary>
/// The fault point the fault tests use (Ingest:Faults:KillAfterCommits): the API process kills itself right after
/// the N-th committed batch, so the state is in the database although the process never got to acknowledge it.
/// </summary>
public sealed class FaultPointTests(ITestOutputHelper output)
{
    [Fact]
    public async Task KillAfterCommits_One_KillsTheProcessAfterTheFirstCommit_WithTheStateStored()
    {
        await using var api = await ApiProcess.StartDevelopmentAsync("--Ingest:Faults:KillAfterCommits=1");
        var credentials = api.DevelopmentCredentials();
        const string id = "pi-042";

        try
        {
            await using var detector = await MqttTestClient.ConnectAsync(
                "127.0.0.1", api.MqttPort, id, credentials.GetProperty("DetectorPassword").GetString()!);
            await detector.PublishAsync(FleetTopics.State(id), Messages.Json(Messages.State(id, 7, 3)));
        }
        catch (Exception ex) when (ex is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException or OperationCanceledException)
        {
            // The broker lives in the process that is being killed: the PUBACK may never come.
        }

        await api.WaitForExitAsync(TimeSpan.FromSeconds(60));
        await using var db = new SqliteFleetDbContext(new DbContextOptionsBuilder<SqliteFleetDbContext>()
            .UseSqlite($"Data Source={Path.Combine(api.ContentRoot, "data", "fleet.db")};Pooling=false").Options);
        var stored = await db.Detectors.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id);
        output.WriteLine($"injected: Ingest:Faults:KillAfterCommits=1 and one state (epoch 7, seq 3); observed: exit code {api.ExitCode}, stored {stored?.Epoch}/{stored?.Seq}");

        Assert.Equal(137, api.ExitCode);
        Assert.Contains("Fault injection", api.Log, StringComparison.Ordinal);
        Assert.Equal((7L, 3L), (stored?.Epoch, stored?.Seq));
    }
}
