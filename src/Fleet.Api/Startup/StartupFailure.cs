using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Startup;

/// <summary>
/// The one place that turns a configuration error into what an operator reads: <c>fleet-api: &lt;Key&gt;: &lt;problem&gt;.
/// &lt;fix&gt;</c> on stderr, one line per problem, no stack trace (Program.cs catches with it and exits 1). Anything
/// that is not a configuration error is left alone, so a real bug still shows its stack.
/// </summary>
public static partial class StartupFailure
{
    public const int ExitCode = 1;

    private const string Prefix = "fleet-api: ";

    /// <summary>
    /// The lines to print for <paramref name="exception"/>, or null when it is not a configuration error or the API is
    /// not its own process: hosted in-process (WebApplicationFactory in the tests), the host must see the exception.
    /// </summary>
    public static string? Explain(Exception exception)
    {
        if (Assembly.GetEntryAssembly() != typeof(StartupFailure).Assembly)
        {
            return null;
        }

        var lines = Problems(exception)?.Select(p => Prefix + OneLine(p)).ToList();
        return lines is { Count: > 0 } ? string.Join(Environment.NewLine, lines) : null;
    }

    private static IEnumerable<string>? Problems(Exception exception) => exception switch
    {
        ConfigurationProblemException problem => [problem.Message],
        OptionsValidationException invalid => invalid.Failures.Select(f => KeyFirst(f, SectionOf(invalid.OptionsType))),
        AggregateException { InnerExceptions.Count: > 0 } many when many.InnerExceptions.All(e => Problems(e) is not null) =>
            many.InnerExceptions.SelectMany(e => Problems(e)!),
        InvalidOperationException binding when BindingFailure().Match(binding.Message) is { Success: true } match =>
            [Unconvertible(match.Groups["key"].Value, match.Groups["type"].Value)],
        _ => null,
    };

    /// <summary>
    /// ConfigurationBinder's "Failed to convert configuration value … at 'Key' to type 'T'." The value itself is not
    /// repeated (it could be a secret put under the wrong key); the allowed values are named instead.
    /// </summary>
    private static string Unconvertible(string key, string typeName)
    {
        var type = Type.GetType(typeName) ?? typeof(StartupFailure).Assembly.GetType(typeName);
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        var expected = type switch
        {
            { IsEnum: true } => "one of " + string.Join(", ", Enum.GetNames(type)),
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type == typeof(double) => "a number",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(TimeSpan) => "a duration such as 00:00:30",
            _ => $"a {type?.Name ?? typeName}",
        };
        return $"{key}: the value is not valid here. Set it to {expected}.";
    }

    /// <summary>
    /// Options validation messages name their key first ("Mqtt:Embedded:Port must be …"): "Key: must be …". A data
    /// annotation's message comes wrapped ("DataAnnotation validation failed for … with the error: '…'."): unwrapped.
    /// </summary>
    private static string KeyFirst(string message, string? section)
    {
        if (DataAnnotationFailure().Match(message) is { Success: true } annotation)
        {
            message = annotation.Groups["error"].Value;
            if (section is not null && !message.Contains(':', StringComparison.Ordinal))
            {
                // An attribute without a message of its own ("The field Port must be …"): the key is section:member.
                return $"{section}:{annotation.Groups["member"].Value}: {message}";
            }
        }

        var space = message.IndexOf(' ', StringComparison.Ordinal);
        var first = space > 0 ? message[..space] : string.Empty;
        return first.Contains(':', StringComparison.Ordinal) && !first.EndsWith(':')
            ? $"{first}:{message[space..]}"
            : message;
    }

    /// <summary>The options class's <c>Section</c> constant (the convention here), or null.</summary>
    private static string? SectionOf(Type type) =>
        type.GetField("Section", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)?.GetValue(null) as string;

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));

    [GeneratedRegex(@"^Failed to convert configuration value .*at '(?<key>[^']+)' to type '(?<type>[^']+)'", RegexOptions.Singleline)]
    private static partial Regex BindingFailure();

    [GeneratedRegex(@"^DataAnnotation validation failed for '[^']*' members: '(?<member>[^']*)' with the error: '(?<error>.*)'\.$", RegexOptions.Singleline)]
    private static partial Regex DataAnnotationFailure();
}
