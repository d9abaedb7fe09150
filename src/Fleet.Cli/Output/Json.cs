using Microsoft.Kiota.Abstractions.Serialization;

namespace Fleet.Cli.Output;

/// <summary><c>--json</c>: the API's own objects as the generated client read them, written back by Kiota's serializer.</summary>
internal static class Json
{
    public static async Task WriteAsync<T>(TextWriter output, T value, CancellationToken ct) where T : IParsable =>
        await output.WriteLineAsync(await KiotaJsonSerializer.SerializeAsStringAsync(value, serializeOnlyChangedValues: false, ct));

    public static async Task WriteAsync<T>(TextWriter output, IEnumerable<T> values, CancellationToken ct) where T : IParsable =>
        await output.WriteLineAsync(await KiotaJsonSerializer.SerializeAsStringAsync(values, serializeOnlyChangedValues: false, ct));
}
