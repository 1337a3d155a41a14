using System.Diagnostics;

namespace StreamChat.Core.Diagnostics.Internal;

/// <summary>The activity source and the span and tag names StreamChat uses (see <see cref="StreamChatActivitySource"/>).</summary>
internal static class ChatTracing
{
    public const string Connect = "streamchat.connect";
    public const string Message = "streamchat.message";
    public const string Disconnect = "streamchat.disconnect";
    public const string Moderation = "streamchat.moderation";
    public const string Store = "streamchat.store";
    public const string Broadcast = "streamchat.broadcast";

    public const string RpcSystem = "rpc.system";
    public const string RpcMethod = "rpc.method";
    public const string StreamId = "streamchat.stream_id";
    public const string ConnectionId = "streamchat.connection_id";
    public const string ErrorType = "error.type";

    public static readonly ActivitySource Source = new(StreamChatActivitySource.Name, typeof(ChatTracing).Assembly.GetName().Version?.ToString());

    /// <summary>Starts a span for one unit of work on a connection; <see langword="null"/> when nobody listens (the common case costs nothing).</summary>
    public static Activity? Start(string name, string connectionId, ActivityKind kind = ActivityKind.Internal)
    {
        var activity = Source.StartActivity(name, kind);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(RpcSystem, "streamchat");
            activity.SetTag(ConnectionId, connectionId);
        }

        return activity;
    }

    /// <summary>Marks <paramref name="activity"/> failed by <paramref name="exception"/>.</summary>
    public static void Fail(Activity? activity, Exception exception)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity.SetTag(ErrorType, exception.GetType().FullName);
    }
}
