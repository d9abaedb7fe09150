namespace Fleet.Api.Alerts.Rules;

/// <summary>
/// The evaluator's durable position in the events table: every event with a larger id is still to evaluate. One row
/// (id 1), taken FOR UPDATE by the evaluating transaction, so one API instance evaluates at a time.
/// </summary>
public sealed class AlertCursorRecord
{
    public const int SingleId = 1;

    public int Id { get; set; }

    public long LastEventId { get; set; }
}
