using Fleet.Domain.Reachability;

namespace Fleet.Domain.Tests.Reachability;

/// <summary>The host index chooses exactly what <see cref="ResolveRules.Match"/> chooses from the same list.</summary>
public sealed class ResolveTableTests
{
    private static readonly string[] Hosts = ["a.example", "b.example", "x.a.example", "A.EXAMPLE.", "c.other"];
    private static readonly string[] Entries =
    [
        "a.example:443:10.0.0.1", "a.example:*:10.0.0.2", "A.Example:443:10.0.0.3", "b.example:80:10.0.0.4",
        "*.example:443:10.0.0.5", "*.a.example:*:10.0.0.6", "*:443:10.0.0.7", "*:*:10.0.0.8", "x.a.example:80:10.0.0.9",
    ];

    [Fact]
    public void Match_RandomRuleLists_SameRuleAsTheLinearMatch()
    {
        var random = new Random(1306);
        for (var round = 0; round < 500; round++)
        {
            List<ResolveRule> rules = [.. Enumerable.Range(0, random.Next(0, 8)).Select(_ => ResolveRules.Parse(Entries[random.Next(Entries.Length)]))];
            var table = new ResolveTable(rules);
            foreach (var host in Hosts)
            {
                foreach (var port in new[] { 80, 443, 8080 })
                {
                    // Reference equality: the same entry object, so "the first listed among equals" is checked too.
                    Assert.Same(ResolveRules.Match(rules, host, port), table.Match(host, port));
                }
            }
        }
    }

    [Fact]
    public void Match_TenThousandNames_FindsEachOwnAddress()
    {
        var table = new ResolveTable(Enumerable.Range(0, 10_000).Select(i => ResolveRules.Parse($"d{i}.sim.example:443:127.1.{i / 256}.{i % 256}")));

        Assert.Equal("127.1.39.15", table.Match("D9999.sim.example", 443)?.Addresses[0].ToString());
        Assert.Null(table.Match("d9999.sim.example", 80));
    }
}
