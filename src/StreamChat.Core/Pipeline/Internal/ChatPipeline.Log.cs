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

        [LoggerMessage(3, LogLevel.Debug, "Connection {ConnectionId} closed in stream {StreamId} for user {UserId}.", EventName = "ConnectionClosed")]
        public static partial void ConnectionClosed(ILogger logger, string connectionId, string streamId, string userId);

        [LoggerMessage(4, LogLevel.Debug, "A frame arrived for connection {ConnectionId}, which is not in the connection store.", EventName = "UnknownConnection")]
        public static partial void UnknownConnection(ILogger logger, string connectionId);

        [LoggerMessage(5, LogLevel.Warning, "Handling a frame from connection {ConnectionId} failed; the sender gets internal_error.", EventName = "FrameFailed")]
        public static partial void FrameFailed(ILogger logger, string connectionId, Exception exception);

        [LoggerMessage(6, LogLevel.Trace, "Sent error {Code} to connection {ConnectionId}.", EventName = "ErrorSent")]
        public static partial void ErrorSent(ILogger logger, string connectionId, string code);

        [LoggerMessage(7, LogLevel.Trace, "Message {MessageId} from connection {ConnectionId} blocked: {Reason}.", EventName = "MessageBlocked")]
        public static partial void MessageBlocked(ILogger logger, string connectionId, string messageId, string reason);

        [LoggerMessage(8, LogLevel.Trace, "Message {MessageId} from connection {ConnectionId} delivered to {Recipients} connections.", EventName = "MessageDelivered")]
        public static partial void MessageDelivered(ILogger logger, string connectionId, string messageId, int recipients);

        [LoggerMessage(9, LogLevel.Warning, "Moderator {Moderator} failed on message {MessageId}; applying failure mode {FailureMode}.", EventName = "ModeratorFailed")]
        public static partial void ModeratorFailed(ILogger logger, string moderator, string messageId, string failureMode, Exception exception);

        [LoggerMessage(10, LogLevel.Warning, "Writing the audit entry for message {MessageId} failed.", EventName = "AuditFailed")]
        public static partial void AuditFailed(ILogger logger, string messageId, Exception exception);

        [LoggerMessage(11, LogLevel.Warning, "Broadcasting to stream {StreamId} failed.", EventName = "BroadcastFailed")]
        public static partial void BroadcastFailed(ILogger logger, string streamId, Exception exception);

        [LoggerMessage(12, LogLevel.Error, "Storing connection {ConnectionId} failed; the handshake is refused with 503.", EventName = "ConnectionStoreFailed")]
        public static partial void ConnectionStoreFailed(ILogger logger, string connectionId, Exception exception);
    }
}
