using System.ComponentModel.DataAnnotations;

namespace Fleet.Api.Alerts.Delivery;

/// <summary>How the delivery worker retries, limits and gives up (Alerts:Delivery).</summary>
public sealed class AlertDeliveryOptions : IValidatableObject
{
    public const string Section = "Alerts:Delivery";

    /// <summary>Whether this instance runs the delivery worker (the REST endpoints and the outbox work either way).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The first retry waits up to this long; each further one up to twice as long (full jitter).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait between two attempts (before Retry-After, which is honoured above it).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Attempts before a delivery goes to the dead-letter list.</summary>
    [Range(1, 1000)]
    public int MaxAttempts { get; set; } = 20;

    /// <summary>Age after which a failing delivery goes to the dead-letter list whatever its attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long one attempt may take; the sender's own timeout should be shorter.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A claimed delivery whose instance neither finished nor renewed it within this is claimed again (at-least-once).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the worker looks for due deliveries when nothing woke it.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts in flight at once on this instance.</summary>
    [Range(1, 1024)]
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>Attempts in flight at once to one destination on this instance.</summary>
    [Range(1, 256)]
    public int MaxPerDestination { get; set; } = 2;

    /// <summary>Consecutive retryable failures of one destination that open its circuit.</summary>
    [Range(1, 1000)]
    public int CircuitFailures { get; set; } = 5;

    /// <summary>How long an open circuit holds a destination's deliveries back before one probe attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan CircuitCoolDown { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long delivered deliveries (and their attempts) are kept, from their delivery; dead letters stay until retried or deleted.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the retention deletes what is older (also once at start).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Deliveries deleted per statement: short transactions that never hold the outbox for long.</summary>
    [Range(1, 100_000)]
    public int CleanupBatchSize { get; set; } = 1000;

    /// <summary>Accept http:// destination URLs (a receiver on a trusted network); https only otherwise.</summary>
    public bool AllowHttp { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MaxDelay < BaseDelay)
        {
            yield return new ValidationResult(
                $"{Section}:MaxDelay ({MaxDelay}) is shorter than {Section}:BaseDelay ({BaseDelay}): raise MaxDelay or lower BaseDelay.",
                [nameof(MaxDelay)]);
        }

        if (LeaseTimeout <= AttemptTimeout)
        {
            yield return new ValidationResult(
                $"{Section}:LeaseTimeout ({LeaseTimeout}) must be longer than {Section}:AttemptTimeout ({AttemptTimeout}), or another instance could send the same notice while an attempt still runs: raise LeaseTimeout.",
                [nameof(LeaseTimeout)]);
        }
    }
}
