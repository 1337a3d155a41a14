namespace StreamChat.Core.Diagnostics;

/// <summary>
/// The name of the <see cref="System.Diagnostics.ActivitySource"/> StreamChat traces on: a span per handshake
/// (<c>streamchat.connect</c>), per frame (<c>streamchat.message</c>, with <c>streamchat.moderation</c>,
/// <c>streamchat.store</c> and <c>streamchat.broadcast</c> as children of a chat message) and per disconnect
/// (<c>streamchat.disconnect</c>). Tags follow OpenTelemetry's RPC conventions as ASP.NET Core SignalR's do
/// (<c>rpc.system</c> = <c>streamchat</c>, <c>rpc.method</c> = the action), with <c>streamchat.stream_id</c> and
/// <c>streamchat.connection_id</c>; a failure sets the span's status to error and <c>error.type</c>.
/// </summary>
/// <example><c>builder.Services.AddOpenTelemetry().WithTracing(t =&gt; t.AddSource(StreamChatActivitySource.Name));</c></example>
public static class StreamChatActivitySource
{
    /// <summary>The activity source name, <c>StreamChat</c>.</summary>
    public const string Name = "StreamChat";
}
