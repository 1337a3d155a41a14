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
/// missed messages and the tombstones of messages deleted since follow it, in the order they happened.
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

    /// <summary>The missed messages (those the user may see) and tombstones, merged in the order they happened.</summary>
    private static IEnumerable<byte[]> ReplayFrames(MessageReplay replay, string streamId, string userId)
    {
        var json = ChatJsonContext.Default;
        var messages = replay.Messages.Where(m => ChatText.IsVisibleTo(m, userId)).ToList();
        int m = 0, t = 0;
        while (m < messages.Count || t < replay.Tombstones.Count)
        {
            // Stores keep times to the millisecond; within one millisecond the message goes first.
            var takeMessage = t == replay.Tombstones.Count
                || (m < messages.Count && messages[m].SentAt.ToUnixTimeMilliseconds() <= replay.Tombstones[t].DeletedAt.ToUnixTimeMilliseconds());
            if (takeMessage)
            {
                yield return ChatDelivery.Serialize(MessageFrame.From(messages[m++]), json.MessageFrame);
            }
            else
            {
                var tombstone = replay.Tombstones[t++];
                yield return ChatDelivery.Serialize(
                    new MessageDeletedFrame { Timestamp = ProtocolTime.Format(tombstone.DeletedAt), StreamId = streamId, MessageId = tombstone.MessageId },
                    json.MessageDeletedFrame);
            }
        }
    }
}
