using Fleet.Api.Ingest;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Fleet.Api.Tests.Ingest;

/// <summary>A batch only takes what is queued: Ingest:BatchSize above Ingest:QueueCapacity stops the start instead of silently doing nothing.</summary>
public sealed class IngestOptionsValidationTests
{
    [Fact]
    public void BatchSize_AboveQueueCapacity_FailsNamingBothKeysAndTheFix()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Options(("Ingest:QueueCapacity", "100"), ("Ingest:BatchSize", "200")));

        Assert.Contains("Ingest:BatchSize", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Ingest:QueueCapacity", failure.Message, StringComparison.Ordinal);
        Assert.Contains("lower Ingest:BatchSize or raise Ingest:QueueCapacity", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BatchSize_EqualToQueueCapacity_IsValid() =>
        Assert.Equal(100, Options(("Ingest:QueueCapacity", "100"), ("Ingest:BatchSize", "100")).BatchSize);

    [Fact]
    public void Defaults_AreValid() => Assert.True(Options().BatchSize <= Options().QueueCapacity);

    private static IngestOptions Options(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.AddFleetIngest();
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IOptions<IngestOptions>>().Value;
    }
}
