namespace Fleet.Api.Tests.Metrics;

/// <summary>
/// OpenTelemetry listens to meters by name across the whole test process, so while other test classes run their own
/// API instances, their ingest counters would show up in this API's scrape. The metrics tests therefore run alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsTestGroup
{
    public const string Name = "metrics";
}
