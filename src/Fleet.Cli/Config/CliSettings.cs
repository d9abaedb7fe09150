namespace Fleet.Cli.Config;

/// <summary>What <c>fleet login</c> stores: the API's base address and the operator's API key.</summary>
internal sealed record CliSettings(Uri Endpoint, string ApiKey);
