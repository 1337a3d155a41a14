using Microsoft.Extensions.Logging;
using StreamChat.Core.Diagnostics.Internal;
using StreamChat.Core.Messages;
using StreamChat.Core.Moderation;
using StreamChat.Core.Moderation.Internal;
using StreamChat.Core.Protocol;
using StreamChat.Core.Protocol.Internal;

namespace StreamChat.Core.Pipeline.Internal;

/// <summary>
/// The step the message policies guard: moderate, store (before broadcast, so history holds every message anyone
/// saw), broadcast the same bytes to the whole stream, and tell the sender about a redaction.
/// </summary>
internal sealed partial class MessagePublisher
{
    private readonly ModerationRunner _moderation;
    private readonly IMessageStore _messages;
    private readonly ChatDelivery _delivery;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public MessagePublisher(ModerationRunner moderation, IMessageStore messages, ChatDelivery delivery, TimeProvider timeProvider, ILogger<MessagePublisher> logger)
    {
        _moderation = moderation;
        _messages = messages;
        _delivery = delivery;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async ValueTask<MessageOutcome> PublishAsync(ChatMessageContext context)
    {
        var connection = context.Connection;
        var cancellationToken = context.CancellationToken;
        var (verdict, text) = await _moderation.RunAsync(
            new ModerationContext(context.Text, connection.StreamId, connection.UserId, connection.ConnectionId, context.MessageId), cancellationToken).ConfigureAwait(false);
        if (verdict.IsBlocked)
        {
            return MessageOutcome.Block(verdict.Reason!.Value, verdict.Explanation!);
        }

        // A shadow-banned sender's message is stored hidden and reaches their own connections only; they are not told.
        var hidden = context.Standing.IsShadowBanned;
        var message = new ChatMessage(context.MessageId, connection.StreamId, connection.UserId, connection.Username, text, _timeProvider.GetUtcNow()) { Hidden = hidden, ReplyTo = context.ReplyTo };
        using (var store = ChatTracing.Start(ChatTracing.Store, connection.ConnectionId))
        {
            await _messages.AddAsync(message, cancellationToken).ConfigureAwait(false);
        }

        var bytes = ChatDelivery.Serialize(MessageFrame.From(message), ChatJsonContext.Default.MessageFrame);
        using var broadcast = ChatTracing.Start(ChatTracing.Broadcast, connection.ConnectionId);
        if (hidden)
        {
            await _delivery.SendToUserAsync(connection.StreamId, connection.UserId, bytes, cancellationToken).ConfigureAwait(false);
            Log.MessageHidden(_logger, connection.ConnectionId, context.MessageId);
        }
        else
        {
            var delivered = await _delivery.BroadcastAsync(connection.StreamId, bytes, null, cancellationToken).ConfigureAwait(false);
            broadcast?.SetTag("streamchat.recipients", delivered);
            _delivery.Metrics.MessageDelivered(delivered);
            Log.MessageDelivered(_logger, connection.ConnectionId, context.MessageId, delivered);
        }

        if (verdict.IsRedacted)
        {
            var reason = verdict.Reason!.Value;
            _delivery.Metrics.MessageRedacted(reason);
            var notice = ChatDelivery.Serialize(
                new MessageRedactedFrame { Timestamp = _delivery.Now(), MessageId = context.MessageId, Reason = reason.ToWireName(), Message = verdict.Explanation! },
                ChatJsonContext.Default.MessageRedactedFrame);
            await _delivery.SendAsync(connection.ConnectionId, notice, cancellationToken).ConfigureAwait(false);
        }

        return MessageOutcome.Delivered;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Trace, "Message {MessageId} from connection {ConnectionId} delivered to {Recipients} connections.", EventName = "MessageDelivered")]
        public static partial void MessageDelivered(ILogger logger, string connectionId, string messageId, int recipients);

        [LoggerMessage(2, LogLevel.Debug, "Message {MessageId} from shadow-banned connection {ConnectionId} delivered to its sender only.", EventName = "MessageHidden")]
        public static partial void MessageHidden(ILogger logger, string connectionId, string messageId);
    }
}
