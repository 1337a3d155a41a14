using Microsoft.Extensions.Options;
using StreamChat.Core.Connections;
using StreamChat.Core.Messages;
using StreamChat.Core.Pipeline.Internal;
using StreamChat.Core.Protocol;
using StreamChat.Core.Protocol.Internal;
using StreamChat.Core.RateLimiting.Internal;

namespace StreamChat.Core.Actions.Internal;

/// <summary>
/// <c>hello</c>: answers <c>welcome</c> with the connection's identity and the stream's viewer count. With
/// <c>since</c> (a reconnecting client's last message id) the welcome says whether the gap can be replayed, and the
/// missed messages (oldest first) and then the tombstones of messages deleted since (in deletion order) follow it.
/// </summary>
internal sealed class HelloActionHandler : IChatActionHandler
{
    private readonly ChatDelivery _delivery;
    private readonly IConnectionStore _connections;
    private readonly IMessageStore _messages;
    private readonly ChatRateLimits _limits;
    private readonly StreamChatOptions _options;

    public HelloActionHandler(ChatDelivery delivery, IConnectionStore connections, IMessageStore messages, ChatRateLimits limits, IOptions<StreamChatOptions> options)
    {
        _delivery = delivery;
        _connections = connections;
        _messages = messages;
        _limits = limits;
        _options = options.Value;
    }

    public string Action => ProtocolNames.HelloAction;

    /// <summary>Sends the welcome (also at open, on hosts that can deliver then, with no frame fields).</summary>
    public async ValueTask HandleAsync(ChatActionContext context)
    {
        var (_, connection, frame, cancellationToken) = context;
        var since = ChatText.Optional(frame.Since, frame, FrameFields.Since, "since");
        MessageReplay? replay = null;
        if (!string.IsNullOrEmpty(since))
        {
            // A replay reads history; it counts against the same limit as a history request.
            await HistoryActionHandler.AcquireAsync(_limits, _options, connection!, cancellationToken).ConfigureAwait(false);
            replay = await _messages.GetSinceAsync(connection!.StreamId, since, _options.MaxRecoveredMessages, cancellationToken).ConfigureAwait(false);
            _delivery.Metrics.Recovery(replay.IsComplete);
        }

        var viewers = await _connections.CountAsync(connection!.StreamId, cancellationToken).ConfigureAwait(false);
        var welcome = new WelcomeFrame
        {
            Timestamp = _delivery.Now(),
            StreamId = connection.StreamId,
            UserId = connection.UserId,
            Username = connection.Username,
            Message = _options.WelcomeMessage,
            ViewerCount = viewers,
            Recovered = replay?.IsComplete,
        };
        await _delivery.SendAsync(connection.ConnectionId, ChatDelivery.Serialize(welcome, ChatJsonContext.Default.WelcomeFrame), cancellationToken).ConfigureAwait(false);
        if (replay is not { IsComplete: true })
        {
            return;
        }

        foreach (var bytes in ReplayFrames(replay, connection.StreamId, connection.UserId))
        {
            await _delivery.SendAsync(connection.ConnectionId, bytes, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The missed messages (those the user may see), oldest first, then the tombstones in deletion order. The two are
    /// independent (a tombstone names a message up to <c>since</c>, a replayed message is after it), so the client's end
    /// state is the same in any interleaving; this one does not depend on clocks agreeing to the millisecond across nodes.
    /// </summary>
    private static IEnumerable<byte[]> ReplayFrames(MessageReplay replay, string streamId, string userId)
    {
        var json = ChatJsonContext.Default;
        foreach (var message in replay.Messages)
        {
            if (ChatText.IsVisibleTo(message, userId))
            {
                yield return ChatDelivery.Serialize(MessageFrame.From(message), json.MessageFrame);
            }
        }

        foreach (var tombstone in replay.Tombstones)
        {
            yield return ChatDelivery.Serialize(
                new MessageDeletedFrame { Timestamp = ProtocolTime.Format(tombstone.DeletedAt), StreamId = streamId, MessageId = tombstone.MessageId },
                json.MessageDeletedFrame);
        }
    }
}
