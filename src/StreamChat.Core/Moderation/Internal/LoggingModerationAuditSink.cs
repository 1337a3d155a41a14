using Microsoft.Extensions.Logging;

namespace StreamChat.Core.Moderation.Internal;

/// <summary>The default audit sink: one structured log event per decision.</summary>
internal sealed partial class LoggingModerationAuditSink : IModerationAuditSink
{
    private readonly ILogger _logger;

    public LoggingModerationAuditSink(ILogger<LoggingModerationAuditSink> logger) => _logger = logger;

    /// <inheritdoc />
    public ValueTask WriteAsync(ModerationAuditEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry.Action == ModerationAction.Command)
        {
            Log.CommandIssued(_logger, entry.Rule ?? string.Empty, entry.StreamId, entry.UserId, entry.TargetUserId ?? string.Empty, entry.Text ?? string.Empty, entry.Timestamp);
        }
        else if (entry.Action != ModerationAction.Allowed)
        {
            Log.MessageModerated(_logger, entry.Action.ToString(), entry.StreamId, entry.UserId, entry.MessageId, entry.Reason?.ToString() ?? string.Empty, entry.Rule ?? string.Empty, entry.Timestamp);
            if (entry.Text is not null)
            {
                Log.BlockedText(_logger, entry.MessageId, entry.Text);
            }
        }
        else
        {
            Log.MessageAllowed(_logger, entry.StreamId, entry.UserId, entry.MessageId, entry.Timestamp);
        }

        return ValueTask.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Moderation {Action} message {MessageId} from user {UserId} in stream {StreamId}: reason {Reason}, rule {Rule}, at {DecidedAt:o}.", EventName = "MessageModerated")]
        public static partial void MessageModerated(ILogger logger, string action, string streamId, string userId, string messageId, string reason, string rule, DateTimeOffset decidedAt);

        [LoggerMessage(2, LogLevel.Trace, "Moderation allowed message {MessageId} from user {UserId} in stream {StreamId} at {DecidedAt:o}.", EventName = "MessageAllowed")]
        public static partial void MessageAllowed(ILogger logger, string streamId, string userId, string messageId, DateTimeOffset decidedAt);

        [LoggerMessage(4, LogLevel.Information, "Moderation {Command} in stream {StreamId} by user {UserId} on user {TargetUserId} ({Arguments}) at {DecidedAt:o}.", EventName = "CommandIssued")]
        public static partial void CommandIssued(ILogger logger, string command, string streamId, string userId, string targetUserId, string arguments, DateTimeOffset decidedAt);

        // Message text is personal data: Trace only.
        [LoggerMessage(3, LogLevel.Trace, "Moderated message {MessageId} text: {Text}", EventName = "BlockedText")]
        public static partial void BlockedText(ILogger logger, string messageId, string text);
    }
}
