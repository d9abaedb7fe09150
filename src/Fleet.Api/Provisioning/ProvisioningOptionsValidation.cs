using Microsoft.Extensions.Options;

namespace Fleet.Api.Provisioning;

/// <summary>Refuses, at start, a <c>Provisioning:MqttEndpoints</c> entry the agents could not use, naming it.</summary>
internal sealed class ProvisioningOptionsValidation : IValidateOptions<ProvisioningOptions>
{
    public ValidateOptionsResult Validate(string? name, ProvisioningOptions options) =>
        AgentBrokerEndpoints.Validate(options) is { } error ? ValidateOptionsResult.Fail(error) : ValidateOptionsResult.Success;
}
