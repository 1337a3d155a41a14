using Microsoft.Extensions.Options;
using StreamChat.Core.Connections;
using StreamChat.Core.Messages;
using StreamChat.Core.Pipeline.Internal;
using StreamChat.Core.Protocol;
using StreamChat.Core.Protocol.Internal;
using StreamChat.Core.RateLimiting.Internal;

namespace StreamChat.Core.Actions.Internal;

/// <summary>
/// <c>history</c>: answers the stream's most recent messages, oldest first, with their reaction counts; with
/// <c>since</c>, the messages after it, whether the gap could be replayed and which messages were deleted since.
/// </summary>
internal sealed class HistoryActionHandler : IChatActionHandler
{
    private readonly ChatDelivery _delivery;
    private readonly IMessageStore _messages;
    private readonly ChatRateLimits _limits;
    private readonly StreamChatOptions _options;

    public HistoryActionHandler(ChatDelivery delivery, IMessageStore messages, ChatRateLimits limits, IOptions<StreamChatOptions> options)
    {
        _delivery = delivery;
        _messages = messages;
        _limits = limits;
        _options = options.Value;
    }

    public string Action => ProtocolNames.HistoryAction;

    /// <summary>Takes one permit of the history limit, or throws <c>rate_limited</c>.</summary>
    public static ValueTask AcquireAsync(ChatRateLimits limits, StreamChatOptions options, ChatConnection connection, CancellationToken cancellationToken) =>
        limits.AcquireOrThrowAsync(options.RateLimits.History, "history", connection, "history requests", cancellationToken);

    public async ValueTask HandleAsync(ChatActionContext context)
    {
        var (connectionId, connection, frame, cancellationToken) = context;
        if (frame.LimitHasWrongType)
        {
            throw new ChatException(ChatErrorCode.MissingField, "The \"limit\" field must be an integer.");
        }

        var since = ChatText.Optional(frame.Since, frame, FrameFields.Since, "since");
        await AcquireAsync(_limits, _options, connection!, cancellationToken).ConfigureAwait(false);

        var limit = Math.Clamp(frame.Limit ?? _options.DefaultHistoryLimit, 1, _options.MaxHistoryLimit);
        IReadOnlyList<ChatMessage> messages;
        HistoryFrame history;
        if (string.IsNullOrEmpty(since))
        {
            messages = await _messages.GetRecentAsync(connection!.StreamId, limit, cancellationToken).ConfigureAwait(false);
            history = new HistoryFrame { Timestamp = _delivery.Now(), StreamId = connection.StreamId, Messages = Visible(messages, connection.UserId) };
        }
        else
        {
            var replay = await _messages.GetSinceAsync(connection!.StreamId, since, limit, cancellationToken).ConfigureAwait(false);
            history = new HistoryFrame
            {
                Timestamp = _delivery.Now(),
                StreamId = connection.StreamId,
                Messages = Visible(replay.Messages, connection.UserId),
                Recovered = replay.IsComplete,
                DeletedMessageIds = replay.Tombstones.Select(static t => t.MessageId).ToArray(),
            };
        }

        await _delivery.SendAsync(connectionId, ChatDelivery.Serialize(history, ChatJsonContext.Default.HistoryFrame), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Hidden (shadow-banned) messages are their author's alone.</summary>
    private static List<MessageFrame> Visible(IReadOnlyList<ChatMessage> messages, string userId)
    {
        var frames = new List<MessageFrame>(messages.Count);
        foreach (var message in messages)
        {
            if (ChatText.IsVisibleTo(message, userId))
            {
                frames.Add(MessageFrame.From(message));
            }
        }

        return frames;
    }
}
