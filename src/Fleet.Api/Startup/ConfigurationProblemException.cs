namespace Fleet.Api.Startup;

/// <summary>
/// A setting the API cannot start with, found by a check of its own (not by options validation): the key, what is
/// wrong, and what to do. <see cref="StartupFailure"/> prints it as one line. Never put a secret's value in it.
/// </summary>
public sealed class ConfigurationProblemException(string key, string problem, string fix)
    : Exception($"{key}: {problem}. {fix}")
{
    public string Key { get; } = key;
}
