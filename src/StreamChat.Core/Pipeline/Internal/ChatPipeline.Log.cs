using Microsoft.Extensions.Logging;

namespace StreamChat.Core.Pipeline.Internal;

internal sealed partial class ChatPipeline
{
    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Connection {ConnectionId} refused with {StatusCode}: {Reason}.", EventName = "ConnectionRefused")]
        public static partial void ConnectionRefused(ILogger logger, string connectionId, int statusCode, string reason);

        [LoggerMessage(2, LogLevel.Debug, "Connection {ConnectionId} opened in stream {StreamId} for user {UserId}.", EventName = "ConnectionOpened")]
        public static partial void ConnectionOpened(ILogger logger, string connectionId, string streamId, string userId);

        [LoggerMessage(3, LogLevel.Debug, "A frame arrived for connection {ConnectionId}, which is not in the connection store.", EventName = "UnknownConnection")]
        public static partial void UnknownConnection(ILogger logger, string connectionId);

        [LoggerMessage(4, LogLevel.Warning, "Handling a frame from connection {ConnectionId} failed; the sender gets internal_error.", EventName = "FrameFailed")]
        public static partial void FrameFailed(ILogger logger, string connectionId, Exception exception);

        [LoggerMessage(5, LogLevel.Error, "Storing connection {ConnectionId} failed; the handshake is refused with 503.", EventName = "ConnectionStoreFailed")]
        public static partial void ConnectionStoreFailed(ILogger logger, string connectionId, Exception exception);
    }
}
