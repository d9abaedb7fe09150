namespace Fleet.Api.SystemTests.Faults;

/// <summary>
/// The agent and link fault tests share one deployment and run one after another: each measures timings and
/// resources of real processes, which tests competing for the same two cores would blur.
/// </summary>
[CollectionDefinition(Name)]
public sealed class AgentFaultGroup : ICollectionFixture<AgentFaultDeployment>
{
    public const string Name = "Agent faults";
}
