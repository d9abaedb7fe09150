using System.Diagnostics;
using System.Runtime.InteropServices;
using Fleet.Cli.Errors;

namespace Fleet.Cli.Commands;

/// <summary>
/// Replaces this process with another program (execv(3)), as <c>exec</c> in a shell does: ssh then owns the terminal,
/// its signals and its exit code, and no .NET process sits in between. Where exec is not available, runs it as a child
/// with the same standard streams and returns its exit code.
/// </summary>
internal static partial class Exec
{
    public static int Replace(string program, IReadOnlyList<string> arguments)
    {
        Console.Out.Flush();
        Console.Error.Flush();
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            string?[] argv = [program, .. arguments, null];
            _ = ExecV(program, argv);
            var error = Marshal.GetLastPInvokeError();
            throw new CliException(ExitCodes.Failure, $"cannot run {program}: {Marshal.GetPInvokeErrorMessage(error)}");
        }

        using var child = Process.Start(new ProcessStartInfo(program, arguments) { UseShellExecute = false })
            ?? throw new CliException(ExitCodes.Failure, $"cannot run {program}");
        child.WaitForExit();
        return child.ExitCode;
    }

    [LibraryImport("libc", EntryPoint = "execv", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int ExecV(string path, string?[] argv);
}
