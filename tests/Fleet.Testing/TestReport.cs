namespace Fleet.Testing;

/// <summary>
/// Lines for the end of the test run (which PostgreSQL mode was used, …). VSTest hides test output at its default
/// verbosity, so test.sh passes a file in FLEET_TEST_REPORT and prints it after the run.
/// </summary>
public static class TestReport
{
    private static readonly Lock Gate = new();

    public static void Note(string line)
    {
        var path = Environment.GetEnvironmentVariable("FLEET_TEST_REPORT");
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        lock (Gate)
        {
            File.AppendAllText(path, line + Environment.NewLine);
        }
    }
}
