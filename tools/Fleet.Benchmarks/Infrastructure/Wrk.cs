using System.Globalization;
using System.Text.RegularExpressions;

using Fleet.Testing.Processes;

namespace Fleet.Benchmarks.Infrastructure;

/// <summary>wrk (Debian package) run against one URL; requests/s and the latency percentiles of --latency.</summary>
internal static partial class Wrk
{
    public sealed record Result(double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long NonSuccess, long SocketErrors);

    public static async Task<Result> RunAsync(string url, IReadOnlyList<string> headers, int threads, int connections, int seconds)
    {
        List<string> arguments = ["-t", Invariant(threads), "-c", Invariant(connections), "-d", $"{Invariant(seconds)}s", "--latency", "--timeout", "10s"];
        foreach (var header in headers)
        {
            arguments.Add("-H");
            arguments.Add(header);
        }

        arguments.Add(url);
        var (exitCode, output, error) = await ChildProcess.RunAsync("wrk", arguments, TimeSpan.FromSeconds(seconds + 60));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"wrk exited with {exitCode}: {output} {error}");
        }

        return Parse(output);
    }

    public static Result Parse(string output)
    {
        var rps = RequestsPerSecond().Match(output);
        if (!rps.Success)
        {
            throw new InvalidOperationException($"wrk printed no Requests/sec: {output}");
        }

        var requests = TotalRequests().Match(output);
        var non2xx = NonSuccess().Match(output);
        var socketErrors = SocketErrors().Match(output);
        return new Result(
            double.Parse(rps.Groups[1].Value, CultureInfo.InvariantCulture),
            Percentile(output, "50%"),
            Percentile(output, "99%"),
            requests.Success ? long.Parse(requests.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            non2xx.Success ? long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            socketErrors.Success ? socketErrors.Groups.Cast<Group>().Skip(1).Sum(g => long.Parse(g.Value, CultureInfo.InvariantCulture)) : 0);
    }

    public static async Task<string> VersionAsync()
    {
        try
        {
            var (_, output, error) = await ChildProcess.RunAsync("wrk", ["-v"], TimeSpan.FromSeconds(10));
            // "wrk debian/4.1.0-3+b2 [epoll] Copyright …": name and version only.
            return string.Join(' ', (output + " " + error).Trim().Split('\n')[0].Split(' ').Take(2));
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            return "not installed";
        }
    }

    private static double Percentile(string output, string label)
    {
        var match = Regex.Match(output, $@"^\s*{Regex.Escape(label)}\s+([0-9.]+)(us|ms|s|m)\s*$", RegexOptions.Multiline, TimeSpan.FromSeconds(1));
        if (!match.Success)
        {
            return double.NaN;
        }

        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "us" => value / 1000,
            "ms" => value,
            "s" => value * 1000,
            _ => value * 60_000,
        };
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"([0-9]+) requests in")]
    private static partial Regex TotalRequests();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+([0-9]+)")]
    private static partial Regex NonSuccess();

    [GeneratedRegex(@"Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)")]
    private static partial Regex SocketErrors();
}
