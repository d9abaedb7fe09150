using System.Net;
using System.Net.Http.Json;
using Fleet.Domain.Messages;
using Npgsql;
using Xunit.Abstractions;

namespace Fleet.Api.Tests.Detectors;

/// <summary>The conditional reads on PostgreSQL, where writers commit concurrently and out of version order.</summary>
public sealed class ConditionalReadsOnPostgresTests(ITestOutputHelper output) : ConditionalReadTests(output)
{
    private string _connectionString = null!;

    protected override async Task<FleetApiSettings> CreateSettingsAsync()
    {
        var postgres = await PostgresServer.GetAsync();
        _connectionString = await postgres.CreateDatabaseAsync("etag");
        return new FleetApiSettings(_connectionString, BrokerSettings.ForEmbedded());
    }

    /// <summary>
    /// The trap of a "max(version)" list tag: a writer that drew its version first but commits last. Writer A stamps
    /// detector a (lower version) and stays open; writer B stamps b (higher version) and commits; a client reads the
    /// list. When A commits, the newest version is still B's, yet the list changed: the old tag must not match.
    /// </summary>
    [Fact]
    public async Task ListETag_WriterWithALowerVersionCommitsLast_IsNot304()
    {
        var prefix = Messages.NewId("oo");
        string a = $"{prefix}-a", b = $"{prefix}-b";
        await Api.WriteStateAsync(Messages.State(a, 1, 0));
        await Api.WriteStateAsync(Messages.State(b, 1, 0));
        using var http = Api.CreateReader();
        var list = $"/detectors?q={prefix}";

        await using var writerA = new NpgsqlConnection(_connectionString);
        await writerA.OpenAsync();
        await using var transactionA = await writerA.BeginTransactionAsync();
        var versionA = await StampAsync(writerA, transactionA, a, "Late writer");
        await using (var writerB = new NpgsqlConnection(_connectionString))
        {
            await writerB.OpenAsync();
            var versionB = await StampAsync(writerB, null, b, "Early writer");
            Output.WriteLine($"A stamped {a} with version {versionA} (open), B stamped {b} with version {versionB} (committed)");
        }

        var seen = await http.GetAsync(list);
        var tag = seen.Headers.ETag;
        await transactionA.CommitAsync();
        // The in-memory registry hears of A's commit by notification, a moment later (until then it answers what it
        // held, with that state's tag); then the old tag must not match.
        var after = await Eventually.GetAsync(() => SendAsync(http, list, tag), r => r.StatusCode != HttpStatusCode.NotModified, "the list after A's commit");
        var names = (await after.Content.ReadFromJsonAsync<List<DetectorView>>())!.Select(d => d.Name).ToList();
        Output.WriteLine($"list read while A was open: tag {tag}; after A committed: {(int)after.StatusCode} {after.Headers.ETag}, names {string.Join(",", names)}");

        Assert.NotNull(tag);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(["Late writer", "Early writer"], names);
    }

    /// <summary>
    /// Writers that draw versions and commit in random order while a reader keeps asking: whenever two answers carry
    /// the same tag, they carry the same body (a tag names one state of the data, whatever commits around it), and a
    /// 304 only ever answers the tag of the newest body seen.
    /// </summary>
    [Fact]
    public async Task ListETag_UnderConcurrentWriters_SameTagAlwaysMeansSameBody()
    {
        var prefix = Messages.NewId("cc");
        var ids = Enumerable.Range(0, 5).Select(i => $"{prefix}-{i}").ToList();
        foreach (var id in ids)
        {
            await Api.WriteStateAsync(Messages.State(id, 1, 0));
        }

        using var stop = new CancellationTokenSource();
        var commits = 0;
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync();
            while (!stop.IsCancellationRequested)
            {
                await using var transaction = await connection.BeginTransactionAsync();
                await StampAsync(connection, transaction, ids[random.Next(ids.Count)], $"w{w}-{random.Next()}");
                await Task.Delay(random.Next(0, 15));
                await transaction.CommitAsync();
                Interlocked.Increment(ref commits);
            }
        })).ToList();

        using var http = Api.CreateReader();
        var list = $"/detectors?q={prefix}";
        var bodies = new Dictionary<string, string>();
        var (answers, repeats, notModified, untagged) = (0, 0, 0, 0);
        async Task<string?> RecordAsync(HttpResponseMessage response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadAsStringAsync();
            answers++;
            var tag = response.Headers.ETag?.Tag;
            if (tag is null)
            {
                untagged++;
                return null;
            }

            if (bodies.TryGetValue(tag, out var earlier))
            {
                repeats++;
                Assert.Equal(earlier, body);
            }

            bodies[tag] = body;
            return tag;
        }

        try
        {
            // Unconditional answers with a tag seen before must repeat its body; a conditional one is 304 or a new body.
            for (var i = 0; i < 200; i++)
            {
                var tag = await RecordAsync(await http.GetAsync(list));
                if (tag is null)
                {
                    continue;
                }

                var conditional = await SendAsync(http, list, tag);
                if (conditional.StatusCode == HttpStatusCode.NotModified)
                {
                    notModified++;
                    Assert.Equal(tag, conditional.Headers.ETag?.Tag);
                }
                else
                {
                    Assert.NotEqual(tag, await RecordAsync(conditional));
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        Output.WriteLine($"injected: 4 writers committing out of version order ({commits} commits); observed: {answers} answers, " +
            $"{bodies.Count} distinct tags, {repeats} repeated tags (same body each time), {notModified} 304s, {untagged} without a tag");
        Assert.True(bodies.Count > 1, "the writers changed the list while it was read");
    }

    /// <summary>
    /// A list tag names this database's writes only: transactions in another database on the same server (a shared
    /// managed server, or the other tests here) leave it matching. A tag from the server-wide snapshot did not.
    /// </summary>
    [Fact]
    public async Task ListETag_AfterWritesInAnotherDatabaseOnTheServer_StillMatches()
    {
        var id = Messages.NewId("iso");
        await Api.WriteStateAsync(Messages.State(id, 1, 0));
        using var http = Api.CreateReader();
        var list = $"/detectors?q={id}";
        var (tag, _) = await NotModifiedAsync(http, list);

        var postgres = await PostgresServer.GetAsync();
        await using (var other = new NpgsqlConnection(await postgres.CreateDatabaseAsync("etagother")))
        {
            await other.OpenAsync();
            foreach (var sql in new[] { "CREATE TABLE writes (n int)", "INSERT INTO writes VALUES (1)", "INSERT INTO writes VALUES (2)" })
            {
                await using var command = new NpgsqlCommand(sql, other);
                await command.ExecuteNonQueryAsync();
            }
        }

        var after = await SendAsync(http, list, tag);
        Output.WriteLine($"tag {tag} before 3 committed transactions in another database; after: {(int)after.StatusCode} {after.Headers.ETag}");
        Assert.Equal(HttpStatusCode.NotModified, after.StatusCode);
    }

    [Fact]
    public async Task ETags_FromOneApiInstance_MatchOnAnotherOnTheSameDatabase()
    {
        var id = Messages.NewId("two");
        await Api.WriteStateAsync(Messages.State(id, 1, 0));
        await using var second = new FleetApiFactory(new FleetApiSettings(_connectionString, BrokerSettings.ForEmbedded()));
        using var one = Api.CreateReader();
        using var other = second.CreateReader();

        var (single, _) = await NotModifiedAsync(one, $"/detectors/{id}");
        var (list, _) = await NotModifiedAsync(one, $"/detectors?q={id}");
        var singleElsewhere = await SendAsync(other, $"/detectors/{id}", single);
        var listElsewhere = await Eventually.GetAsync(
            () => SendAsync(other, $"/detectors?q={id}", list), r => r.StatusCode == HttpStatusCode.NotModified,
            "the second instance answers 304 to the first one's list tag");
        Output.WriteLine($"instance 1 tags {single} / {list}; instance 2 answers {(int)singleElsewhere.StatusCode} / {(int)listElsewhere.StatusCode}");

        Assert.Equal(HttpStatusCode.NotModified, singleElsewhere.StatusCode);
    }

    private static async Task<long> StampAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string id, string name)
    {
        await using var command = new NpgsqlCommand("UPDATE detectors SET name = @name WHERE id = @id RETURNING version", connection, transaction);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("id", id);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
