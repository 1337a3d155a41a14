using Microsoft.Extensions.Options;
using StreamChat.Core.Pipeline;
using StreamChat.Core.Pipeline.Internal;
using StreamChat.Core.Protocol;

namespace StreamChat.Core.Actions.Internal;

/// <summary>
/// <c>message</c>: validates the text, then hands it to the policy chain (authorize, limit), whose end moderates,
/// stores and broadcasts it. A block from any step reaches the sender alone as <c>message_blocked</c>.
/// </summary>
internal sealed class MessageActionHandler : IChatActionHandler
{
    private readonly ChatDelivery _delivery;
    private readonly ChatPolicyChain _policies;
    private readonly MessageIdGenerator _ids;
    private readonly int _maxLength;

    public MessageActionHandler(ChatDelivery delivery, ChatPolicyChain policies, MessageIdGenerator ids, IOptions<StreamChatOptions> options)
    {
        _delivery = delivery;
        _policies = policies;
        _ids = ids;
        _maxLength = options.Value.MaxMessageLength;
    }

    public string Action => ProtocolNames.MessageAction;

    public async ValueTask HandleAsync(ChatActionContext context)
    {
        var (connectionId, connection, frame, cancellationToken) = context;
        _delivery.Metrics.MessageReceived();
        if (frame.Message is null)
        {
            throw new ChatException(ChatErrorCode.MissingField, frame.MessageHasWrongType ? "The \"message\" field must be a string." : "The \"message\" field is required.");
        }

        var text = frame.Message.Trim();
        if (text.Length == 0)
        {
            throw new ChatException(ChatErrorCode.EmptyMessage, "The message is empty.");
        }

        if (CountCharacters(text) > _maxLength)
        {
            throw new ChatException(ChatErrorCode.MessageTooLong, $"Messages may be at most {_maxLength} characters.");
        }

        var messageId = _ids.Next();
        var outcome = await _policies.MessageAsync(new ChatMessageContext(connection!, text, messageId, cancellationToken)).ConfigureAwait(false);
        if (outcome.IsBlocked)
        {
            await _delivery.SendBlockedAsync(connectionId, messageId, outcome, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Counts Unicode scalar values, so an emoji counts as one character, as it does for a person.</summary>
    private static int CountCharacters(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }
}
