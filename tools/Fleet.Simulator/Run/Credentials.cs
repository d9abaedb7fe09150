using Fleet.Domain.Identity;
using Fleet.Simulator.Cli;

namespace Fleet.Simulator.Run;

/// <summary>The credentials file: one <c>id,password</c> per line, as <c>fleet-api detectors provision-many</c> writes it.</summary>
internal static class Credentials
{
    public static IReadOnlyList<(string Id, string Password)> Read(string path, int offset, int? count)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"credentials file '{path}' does not exist");
        }

        var all = new List<(string, string)>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0)
            {
                continue;
            }

            var comma = line.IndexOf(',', StringComparison.Ordinal);
            var id = comma > 0 ? line[..comma] : string.Empty;

            // Never echo the line: it holds a password.
            if (!DetectorId.IsValid(id) || comma == line.Length - 1)
            {
                throw new UsageException($"{path}:{number}: expected 'id,password' with a valid detector id");
            }

            all.Add((id, line[(comma + 1)..]));
        }

        if (offset > all.Count)
        {
            throw new UsageException($"--offset {offset} is beyond the {all.Count} credentials in {path}");
        }

        var available = all.Count - offset;
        if (count > available)
        {
            throw new UsageException($"--count {count} with --offset {offset} needs more than the {all.Count} credentials in {path}");
        }

        return all.GetRange(offset, count ?? available);
    }
}
