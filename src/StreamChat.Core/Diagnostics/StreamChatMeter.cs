namespace StreamChat.Core.Diagnostics;

/// <summary>The name of the meter every StreamChat package publishes its instruments on.</summary>
/// <example><c>builder.Services.AddOpenTelemetry().WithMetrics(m =&gt; m.AddMeter(StreamChatMeter.Name));</c></example>
public static class StreamChatMeter
{
    /// <summary>The meter name, <c>StreamChat</c>.</summary>
    public const string Name = "StreamChat";
}
