using Microsoft.Extensions.Options;
using StreamChat.Core.Messages;
using StreamChat.Core.Pipeline.Internal;
using StreamChat.Core.Protocol;
using StreamChat.Core.Protocol.Internal;

namespace StreamChat.Core.Actions.Internal;

/// <summary><c>history</c>: answers the stream's most recent messages, oldest first.</summary>
internal sealed class HistoryActionHandler : IChatActionHandler
{
    private readonly ChatDelivery _delivery;
    private readonly IMessageStore _messages;
    private readonly StreamChatOptions _options;

    public HistoryActionHandler(ChatDelivery delivery, IMessageStore messages, IOptions<StreamChatOptions> options)
    {
        _delivery = delivery;
        _messages = messages;
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

        var limit = Math.Clamp(frame.Limit ?? _options.DefaultHistoryLimit, 1, _options.MaxHistoryLimit);
        var messages = await _messages.GetRecentAsync(connection!.StreamId, limit, cancellationToken).ConfigureAwait(false);
        var frames = new MessageFrame[messages.Count];
        for (var i = 0; i < frames.Length; i++)
        {
            frames[i] = MessageFrame.From(messages[i]);
        }

        var bytes = ChatDelivery.Serialize(new HistoryFrame { Timestamp = _delivery.Now(), StreamId = connection.StreamId, Messages = frames }, ChatJsonContext.Default.HistoryFrame);
        await _delivery.SendAsync(connectionId, bytes, cancellationToken).ConfigureAwait(false);
    }
}
