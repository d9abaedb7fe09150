using Xunit.Abstractions;
using Xunit.Sdk;

namespace Fleet.Api.SystemTests.Alerts;

/// <summary>One <see cref="AlertScenarioStack"/> for a test class: one broker, database, API, receiver and SMTP sink for all its scenarios.</summary>
public sealed class AlertScenarioFixture(IMessageSink diagnostics) : IAsyncLifetime
{
    private AlertScenarioStack? _stack;

    internal AlertScenarioStack Stack => _stack ?? throw new InvalidOperationException("the fixture did not start");

    public async Task InitializeAsync() =>
        _stack = await AlertScenarioStack.StartAsync("alert_rules", detectors: 60, new DiagnosticOutput(diagnostics));

    public async Task DisposeAsync()
    {
        if (_stack is not null)
        {
            await _stack.DisposeAsync();
        }
    }

    /// <summary>What the setup prints goes to xunit's diagnostic messages (a class fixture has no test output).</summary>
    private sealed class DiagnosticOutput(IMessageSink sink) : ITestOutputHelper
    {
        public void WriteLine(string message) => sink.OnMessage(new DiagnosticMessage(message));

        public void WriteLine(string format, params object[] args) => sink.OnMessage(new DiagnosticMessage(format, args));
    }
}
