using Microsoft.Extensions.Options;
using StreamChat.Core.Messages;
using StreamChat.Core.Pipeline;
using StreamChat.Core.Pipeline.Internal;
using StreamChat.Core.Protocol;
using StreamChat.Core.Protocol.Internal;

namespace StreamChat.Core.Actions.Internal;

/// <summary>
/// <c>message</c>: validates the text (and the parent of a reply), then hands it to the policy chain (authorize,
/// limit), whose end moderates, stores and broadcasts it. A block from any step reaches the sender alone as
/// <c>message_blocked</c>.
/// </summary>
internal sealed class MessageActionHandler : IChatActionHandler
{
    private readonly ChatDelivery _delivery;
    private readonly ChatPolicyChain _policies;
    private readonly MessageIdGenerator _ids;
    private readonly IMessageStore _messages;
    private readonly StreamChatOptions _options;

    public MessageActionHandler(ChatDelivery delivery, ChatPolicyChain policies, MessageIdGenerator ids, IMessageStore messages, IOptions<StreamChatOptions> options)
    {
        _delivery = delivery;
        _policies = policies;
        _ids = ids;
        _messages = messages;
        _options = options.Value;
    }

    public string Action => ProtocolNames.MessageAction;

    public async ValueTask HandleAsync(ChatActionContext context)
    {
        var (connectionId, connection, frame, cancellationToken) = context;
        _delivery.Metrics.MessageReceived();
        var text = ChatText.Validate(frame, _options);
        var replyTo = ChatText.Optional(frame.ReplyTo, frame, FrameFields.ReplyTo, "replyTo");
        MessageReference? parent = null;
        if (replyTo is not null)
        {
            var found = await _messages.FindAsync(connection!.StreamId, replyTo, cancellationToken).ConfigureAwait(false);
            if (found is null || !ChatText.IsVisibleTo(found, connection.UserId))
            {
                throw new ChatException(ChatErrorCode.UnknownMessage, "The message replied to is not in this stream's history.");
            }

            parent = new MessageReference(found.MessageId, found.UserId, found.Username, ChatText.Quote(found.Text));
        }

        var messageId = _ids.Next();
        var outcome = await _policies.MessageAsync(new ChatMessageContext(connection!, text, messageId, cancellationToken) { ReplyTo = parent }).ConfigureAwait(false);
        if (outcome.IsBlocked)
        {
            await _delivery.SendBlockedAsync(connectionId, messageId, outcome, cancellationToken).ConfigureAwait(false);
        }
    }
}
