using Microsoft.Extensions.Options;
using StreamChat.Core.Messages;
using StreamChat.Core.Pipeline.Internal;
using StreamChat.Core.Protocol;
using StreamChat.Core.Protocol.Internal;
using StreamChat.Core.RateLimiting.Internal;

namespace StreamChat.Core.Actions.Internal;

/// <summary><c>history</c>: answers the stream's most recent messages, oldest first.</summary>
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

    public async ValueTask HandleAsync(ChatActionContext context)
    {
        var (connectionId, connection, frame, cancellationToken) = context;
        if (frame.LimitHasWrongType)
        {
            throw new ChatException(ChatErrorCode.MissingField, "The \"limit\" field must be an integer.");
        }

        var rule = _options.RateLimits.History;
        var decision = await _limits.TryAcquireAsync(rule, ChatRateLimits.Key("history", connection!.StreamId, connection.UserId), cancellationToken).ConfigureAwait(false);
        if (!decision.IsAllowed)
        {
            throw new ChatException(ChatErrorCode.RateLimited, $"Too many history requests ({rule.PermitLimit} per {ChatRateLimits.Seconds(rule.Window)} seconds).") { RetryAfter = decision.RetryAfter };
        }

        var limit = Math.Clamp(frame.Limit ?? _options.DefaultHistoryLimit, 1, _options.MaxHistoryLimit);
        var messages = await _messages.GetRecentAsync(connection!.StreamId, limit, cancellationToken).ConfigureAwait(false);

        // Hidden (shadow-banned) messages are their author's alone.
        var frames = new List<MessageFrame>(messages.Count);
        foreach (var message in messages)
        {
            if (!message.Hidden || string.Equals(message.UserId, connection.UserId, StringComparison.Ordinal))
            {
                frames.Add(MessageFrame.From(message));
            }
        }

        var bytes = ChatDelivery.Serialize(new HistoryFrame { Timestamp = _delivery.Now(), StreamId = connection.StreamId, Messages = frames }, ChatJsonContext.Default.HistoryFrame);
        await _delivery.SendAsync(connectionId, bytes, cancellationToken).ConfigureAwait(false);
    }
}
