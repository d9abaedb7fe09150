using Microsoft.Extensions.Options;

namespace Fleet.Agent.Configuration;

/// <summary>
/// The data annotations on <see cref="AgentOptions"/>, checked by generated code: no reflection, so the agent
/// stays trimmable and AOT-compatible.
/// </summary>
[OptionsValidator]
public sealed partial class AgentOptionsAnnotationsValidator : IValidateOptions<AgentOptions>;
