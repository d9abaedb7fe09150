using System.Globalization;
using Fleet.Domain.Messages;
using Fleet.Domain.Validation;

namespace Fleet.Agent.Health;

/// <summary>
/// Reads a check command's result: exit 0 is ok, 1 warn, anything else fail; a first line "OK|WARN|FAIL text [number]"
/// (the word in any case) adds its outcome, text and number, and the worse of the word and the exit code counts, so a
/// crashing check is never ok and a script that says FAIL is never ok either.
/// </summary>
internal static class CheckOutput
{
    public static HealthCheckResult Interpret(string name, CommandRun run, DateTimeOffset at)
    {
        if (run.StartError is { } startError)
        {
            return Result(name, HealthOutcomes.Fail, startError, null, at);
        }

        if (run.TimedOut)
        {
            return Result(name, HealthOutcomes.Fail, "timed out", null, at);
        }

        var byExit = run.ExitCode switch
        {
            0 => HealthOutcomes.Ok,
            1 => HealthOutcomes.Warn,
            _ => HealthOutcomes.Fail,
        };
        var line = HealthText.Clean(run.FirstLine, int.MaxValue);
        var (word, text, value) = Parse(line);
        var outcome = word is null ? byExit : HealthOutcomes.Worst([word, byExit]);
        text ??= byExit == HealthOutcomes.Ok ? null : $"exit code {run.ExitCode}";
        return Result(name, outcome, text, value, at);
    }

    /// <summary>The outcome word, the text after it and a trailing number; no word: the whole line as the text.</summary>
    internal static (string? Word, string? Text, double? Value) Parse(string? line)
    {
        if (line is null)
        {
            return (null, null, null);
        }

        var space = line.IndexOf(' ', StringComparison.Ordinal);
        var first = space < 0 ? line : line[..space];
        string? word = first.ToUpperInvariant() switch
        {
            "OK" => HealthOutcomes.Ok,
            "WARN" => HealthOutcomes.Warn,
            "FAIL" => HealthOutcomes.Fail,
            _ => null,
        };
        if (word is null)
        {
            return (null, line, null);
        }

        var rest = space < 0 ? string.Empty : line[(space + 1)..].Trim();
        var last = rest.LastIndexOf(' ');
        var candidate = last < 0 ? rest : rest[(last + 1)..];
        if (double.TryParse(candidate, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            rest = last < 0 ? string.Empty : rest[..last].TrimEnd();
            return (word, rest.Length == 0 ? null : rest, number);
        }

        return (word, rest.Length == 0 ? null : rest, null);
    }

    public static HealthCheckResult Result(string name, string outcome, string? text, double? value, DateTimeOffset at) => new()
    {
        Name = name,
        Outcome = outcome,
        Text = HealthText.Clean(text, HealthOutcomes.MaxTextLength),
        Value = value,
        CheckedAt = at,
    };
}
