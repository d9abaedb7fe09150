using Fleet.Api.Mqtt;

namespace Fleet.Api.Tests.Security;

/// <summary>The embedded broker never takes more than half of the process's descriptors for MQTT connections.</summary>
public sealed class DescriptorBudgetTests
{
    private const string Limits = """
        Limit                     Soft Limit           Hard Limit           Units
        Max processes             unlimited            unlimited            processes
        Max open files            1024                 524288               files
        Max locked memory         8388608              8388608              bytes
        """;

    [Fact]
    public void Parse_ProcLimits_ReadsTheSoftOpenFileLimit() => Assert.Equal(1024, DescriptorBudget.Parse(Limits));

    [Fact]
    public void Cap_AboveHalfTheLimit_IsLowered_OtherwiseKept()
    {
        Assert.Equal(512, DescriptorBudget.Cap(10_000, 1024));
        Assert.Equal(100, DescriptorBudget.Cap(100, 1024));
        Assert.Equal(10_000, DescriptorBudget.Cap(10_000, null));
    }

    [Fact]
    public void Parse_UnlimitedOrMissing_IsUnknown()
    {
        Assert.Null(DescriptorBudget.Parse("Max open files            unlimited            unlimited            files\n"));
        Assert.Null(DescriptorBudget.Parse(string.Empty));
    }

    [Fact]
    public void OpenFileLimit_OfThisProcess_IsKnownOnLinux()
    {
        if (OperatingSystem.IsLinux())
        {
            Assert.NotNull(DescriptorBudget.OpenFileLimit());
        }
    }
}
