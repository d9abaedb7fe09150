using System.Net.Http.Headers;
using System.Text.Json;
using Fleet.Api.Data;
using Fleet.Api.Detectors;
using Fleet.Api.Ingest;
using Fleet.Api.Registry;
using Fleet.Domain.Messages;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Fleet.Api.Tests.Registry;

/// <summary>
/// The in-memory registry answers every query of <c>GET /detectors</c> exactly as the database path does: for a random
/// fleet (statuses, tunnels, names, tags, health, providers, reachability) and random queries (every filter, limits,
/// paging to the end), the body, the total and the next cursor from memory equal what the SQL read returns, byte for
/// byte, on each provider (the derived classes).
/// </summary>
public abstract class RegistryQueryTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] Tags = ["roof", "lab", "north", "south", "test"];
    private static readonly string[] Providers = ["ngrok", "cloudflared", "static"];
    private static readonly string[] Healths = ["ok", "warn", "fail"];

    /// <summary>These tests are about the registry, whatever FLEET_TEST_READ_FROM says.</summary>
    internal static readonly Dictionary<string, string?> Memory = new() { ["Detectors:ReadFrom"] = "Memory" };

    protected FleetApiFactory Api { get; private set; } = null!;

    public async Task InitializeAsync() => Api = await FleetApiFactory.StartAsync(await CreateSettingsAsync());

    public virtual async Task DisposeAsync() => await Api.DisposeAsync();

    protected abstract Task<FleetApiSettings> CreateSettingsAsync();

    [Fact]
    public async Task RandomQueries_OnARandomFleet_MemoryAnswersEqualTheDatabaseRead()
    {
        var random = new Random(18);
        var prefix = Messages.NewId("rq");
        var ids = Enumerable.Range(0, 60).Select(i => $"{prefix}-{i:00}").ToList();
        foreach (var id in ids)
        {
            var state = Messages.State(id, 1, 1, $"https://{id}-{random.Next(1000)}.ngrok-free.app") with
            {
                Provider = new ProviderReport { Kind = Providers[random.Next(Providers.Length)], State = "running" },
            };
            await Api.WriteStateAsync(state);
            if (random.Next(4) == 0)
            {
                await Api.WriteStatusAsync(id, Messages.Status(random.Next(2) == 0 ? Presence.Offline : Presence.Lost, 1));
            }
        }

        // Operator metadata and what probes and health store, written straight to the rows (as other instances would).
        await Api.WithDbAsync(async db =>
        {
            foreach (var detector in await db.Detectors.Where(d => ids.Contains(d.Id)).ToListAsync())
            {
                detector.Name = random.Next(3) == 0 ? null : $"Detector {(char)('A' + random.Next(26))}{random.Next(100)}";
                detector.Tags = [.. Tags.Where(_ => random.Next(3) == 0)];
                detector.HealthStatus = random.Next(4) == 0 ? null : Healths[random.Next(Healths.Length)];
                detector.Reachability = ReachabilityStates.All[random.Next(ReachabilityStates.All.Count)];
            }

            return await db.SaveChangesAsync();
        });
        await Api.RegistryHeardAsync([.. ids]);

        using var http = Api.CreateReader();
        var (queries, pages) = (0, 0);
        for (var n = 0; n < 40; n++)
        {
            var parameters = RandomQuery(random, prefix);
            queries++;
            string? after = null;
            do
            {
                var url = "/detectors?" + string.Join('&', parameters.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}")
                    .Append(after is null ? null : $"after={Uri.EscapeDataString(after)}").OfType<string>());
                using var response = await http.GetAsync(url);
                response.EnsureSuccessStatusCode();
                var body = await response.Content.ReadAsStringAsync();
                var expected = await DatabasePageAsync(parameters, after);
                Assert.True(expected.Body == body, $"{url}\nmemory:   {body}\ndatabase: {expected.Body}");
                Assert.Equal(expected.Total.ToString(System.Globalization.CultureInfo.InvariantCulture), response.Headers.GetValues("X-Total-Count").Single());
                after = NextCursor(response.Headers);
                Assert.Equal(expected.LastId is null, after is null);
                pages++;
            }
            while (after is not null);
        }

        output.WriteLine($"{queries} random queries, {pages} pages: memory equal to the database read");
        Assert.NotNull(Api.Services.GetRequiredService<DetectorRegistry>().Current);
    }

    [Fact]
    public async Task Sort_UnknownOrACursorOfAnotherOrder_Is400NamingTheReason()
    {
        var prefix = Messages.NewId("so");
        for (var i = 0; i < 3; i++)
        {
            await Api.WriteStateAsync(Messages.State($"{prefix}-{i}", 1, 1));
        }

        using var http = Api.CreateReader();
        using var unknown = await http.GetAsync("/detectors?sort=color");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("Unknown sort 'color'", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var byName = await http.GetAsync($"/detectors?q={prefix}&sort=-lastSeen&limit=1");
        var cursor = NextCursor(byName.Headers);
        Assert.NotNull(cursor);
        using var mixed = await http.GetAsync($"/detectors?q={prefix}&sort=name&limit=1&after={Uri.EscapeDataString(cursor)}");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, mixed.StatusCode);
        Assert.Contains("cursor of sort=-lastSeen, not sort=name", await mixed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Random histories (states out of order, duplicates, stale wills) applied by concurrent writers in batches through
    /// the ingest's writer, each telling the registry what it committed as the ingest does: after every round of
    /// batches, every detector read from memory equals its database read, byte for byte.
    /// </summary>
    [Fact]
    public async Task RandomHistories_ConcurrentWriters_MemoryEqualsTheDatabaseAfterEveryBatch()
    {
        var random = new Random(1018);
        var prefix = Messages.NewId("rh");
        var ids = Enumerable.Range(0, 6).Select(i => $"{prefix}-{i}").ToList();
        var messages = new List<IngestWrite>();
        foreach (var id in ids)
        {
            for (var n = 0; n < 16; n++)
            {
                var epoch = random.Next(1, 4);
                messages.Add(random.Next(4) == 0
                    ? IngestWrite.Of(id, Messages.Status((Presence)random.Next(1, 4), epoch))
                    : IngestWrite.Of(id, Messages.State(id, epoch, random.Next(50), $"https://{id}-{epoch}-{random.Next(3)}.ngrok-free.app")));
            }
        }

        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(messages));
        var writers = Writers;
        var batches = messages.Chunk(3).ToList();
        using var http = Api.CreateReader();
        var rounds = 0;
        for (var round = 0; round < batches.Count; round += writers)
        {
            await Task.WhenAll(batches.Skip(round).Take(writers).Select(batch => Task.Run(async () =>
            {
                await using (var scope = Api.Services.CreateAsyncScope())
                {
                    await scope.ServiceProvider.GetRequiredService<IngestWriter>().ApplyBatchAsync(batch, CancellationToken.None);
                }

                await Api.RegistryHeardAsync([.. batch.Select(w => w.DetectorId).Distinct()]);
            })));

            rounds++;
            foreach (var id in ids)
            {
                using var response = await http.GetAsync($"/detectors/{id}");
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(await DatabaseViewAsync(id) == (response.IsSuccessStatusCode ? body : null), $"round {rounds}, {id}: memory {body}");
            }
        }

        output.WriteLine($"{messages.Count} messages in {batches.Count} batches by {writers} writers: {rounds} rounds, memory equal to the database after each");
    }

    /// <summary>Concurrent writers: as several API instances would (SQLite has one writer at a time).</summary>
    protected virtual int Writers => 4;

    private async Task<string?> DatabaseViewAsync(string id)
    {
        await using var scope = Api.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var reader = new DetectorReader(services.GetRequiredService<FleetDbContext>(), services.GetRequiredService<ISqlDialect>(),
            services.GetRequiredService<DetectorTotals>(), services.GetRequiredService<IOptions<DatabaseOptions>>());
        var record = await reader.FindAsync(id, CancellationToken.None);
        var json = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        return record is null ? null : JsonSerializer.Serialize(record.ToView(), json);
    }

    private static List<KeyValuePair<string, string>> RandomQuery(Random random, string prefix)
    {
        var p = new List<KeyValuePair<string, string>> { new("q", prefix) };
        void Maybe(string key, IReadOnlyList<string> values, int max)
        {
            foreach (var value in values.OrderBy(_ => random.Next()).Take(random.Next(max + 1)))
            {
                p.Add(new(key, value));
            }
        }

        if (random.Next(2) == 0)
        {
            Maybe("status", ["online", "offline", "lost", "unknown"], 2);
        }

        if (random.Next(2) == 0)
        {
            Maybe("reachability", ReachabilityStates.All, 2);
        }

        if (random.Next(3) == 0)
        {
            Maybe("health", Healths, 2);
        }

        if (random.Next(3) == 0)
        {
            Maybe("tag", Tags, 2);
        }

        if (random.Next(3) == 0)
        {
            Maybe("provider", Providers, 2);
        }

        if (random.Next(4) == 0)
        {
            // Text matching the id or the lower-cased name.
            p[0] = new("q", random.Next(2) == 0 ? $"{prefix}-1" : $"detector {(char)('a' + random.Next(26))}");
        }

        if (random.Next(3) > 0)
        {
            p.Add(new("sort", Fleet.Api.Detectors.DetectorSort.Names[random.Next(Fleet.Api.Detectors.DetectorSort.Names.Count)]));
        }

        p.Add(new("limit", random.Next(3, 40).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return p;
    }

    private async Task<(string Body, long Total, string? LastId)> DatabasePageAsync(List<KeyValuePair<string, string>> p, string? after)
    {
        string[] All(string key) => [.. p.Where(x => x.Key == key).Select(x => x.Value)];
        var (query, errors) = DetectorQuery.Validate(All("status"), All("reachability"), All("tag"), All("q").SingleOrDefault(),
            int.Parse(All("limit").Single(), System.Globalization.CultureInfo.InvariantCulture), after, All("health"), All("provider"),
            sort: All("sort").SingleOrDefault());
        Assert.True(query is not null, string.Join("; ", errors.SelectMany(e => e.Value)));
        await using var scope = Api.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var reader = new DetectorReader(services.GetRequiredService<FleetDbContext>(), services.GetRequiredService<ISqlDialect>(),
            services.GetRequiredService<DetectorTotals>(), services.GetRequiredService<IOptions<DatabaseOptions>>());
        var page = await reader.ListAsync(query!, CancellationToken.None);
        var json = services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        return (JsonSerializer.Serialize(page.Detectors, json), page.Total, page.LastId);
    }

    private static string? NextCursor(HttpResponseHeaders headers)
    {
        if (!headers.TryGetValues("Link", out var links))
        {
            return null;
        }

        var link = links.Single();
        var start = link.IndexOf("after=", StringComparison.Ordinal) + "after=".Length;
        var end = link.IndexOfAny(['&', '>'], start);
        return Uri.UnescapeDataString(link[start..end]);
    }
}
