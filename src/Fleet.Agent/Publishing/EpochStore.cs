namespace Fleet.Agent.Publishing;

// Temporary stand-in, replaced by the tested implementation.
public sealed class EpochStore(string stateDirectory)
{
    private string FilePath => Path.Combine(stateDirectory, "epoch");

    public long? Read() => File.Exists(FilePath) ? long.Parse(File.ReadAllText(FilePath), System.Globalization.CultureInfo.InvariantCulture) : null;

    public long Next()
    {
        var next = (Read() ?? 0) + 1;
        Directory.CreateDirectory(stateDirectory);
        File.WriteAllText(FilePath, next.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return next;
    }

    public void EnsureAtLeast(long epoch)
    {
        if ((Read() ?? 0) < epoch)
        {
            Directory.CreateDirectory(stateDirectory);
            File.WriteAllText(FilePath, epoch.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
