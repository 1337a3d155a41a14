using Microsoft.Extensions.Options;
using StreamChat.Core.Connections;
using StreamChat.Core.Identity;
using StreamChat.Core.Moderation;
using StreamChat.Core.Moderation.Internal;
using StreamChat.Core.Pipeline;
using StreamChat.Core.Pipeline.Internal;
using StreamChat.Core.Protocol;
using StreamChat.Core.Protocol.Internal;
using StreamChat.Core.RateLimiting.Internal;
using StreamChat.Core.Sanctions;
using StreamChat.Core.Sanctions.Internal;

namespace StreamChat.Core.Actions.Internal;

/// <summary>
/// <c>whisper</c>: a private message to a user in the same stream. Checked against the sender's sanctions, limited
/// on its own (<see cref="RateLimiting.RateLimitOptions.WhisperBurst"/>, <see cref="RateLimiting.RateLimitOptions.WhisperSustained"/>),
/// moderated like chat, delivered to every connection of the recipient and echoed to the sender's; never stored in
/// history, and audited without its text.
/// </summary>
internal sealed class WhisperActionHandler : IChatActionHandler
{
    private readonly ChatDelivery _delivery;
    private readonly IConnectionStore _connections;
    private readonly ISanctionStore _sanctions;
    private readonly ModerationRunner _moderation;
    private readonly ChatRateLimits _limits;
    private readonly MessageIdGenerator _ids;
    private readonly StreamChatOptions _options;

    public WhisperActionHandler(
        ChatDelivery delivery,
        IConnectionStore connections,
        ISanctionStore sanctions,
        ModerationRunner moderation,
        ChatRateLimits limits,
        MessageIdGenerator ids,
        IOptions<StreamChatOptions> options)
    {
        _delivery = delivery;
        _connections = connections;
        _sanctions = sanctions;
        _moderation = moderation;
        _limits = limits;
        _ids = ids;
        _options = options.Value;
    }

    public string Action => ProtocolNames.WhisperAction;

    public async ValueTask HandleAsync(ChatActionContext context)
    {
        var (connectionId, connection, frame, cancellationToken) = context;
        var sender = connection!;
        var toUserId = ChatText.Required(frame.ToUserId, frame, FrameFields.ToUserId, "toUserId");
        var text = ChatText.Validate(frame, _options);
        var messageId = _ids.Next();

        var standing = await _sanctions.GetStandingAsync(sender.StreamId, sender.UserId, cancellationToken).ConfigureAwait(false);
        if (SanctionPolicy.Blocks(standing, _delivery.UtcNow()) is { } blocked)
        {
            await _delivery.SendBlockedAsync(connectionId, messageId, blocked, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (sender.Role < ChatRole.Moderator)
        {
            await _limits.AcquireOrThrowAsync(_options.RateLimits.WhisperBurst, "whisper-burst", sender, "private messages", cancellationToken).ConfigureAwait(false);
            await _limits.AcquireOrThrowAsync(_options.RateLimits.WhisperSustained, "whisper", sender, "private messages", cancellationToken).ConfigureAwait(false);
        }

        if (string.Equals(toUserId, sender.UserId, StringComparison.Ordinal))
        {
            throw new ChatException(ChatErrorCode.RecipientUnavailable, "You cannot whisper to yourself.");
        }

        var recipients = await _connections.GetByUserAsync(sender.StreamId, toUserId, cancellationToken).ConfigureAwait(false);
        if (recipients.Count == 0 || (await _sanctions.GetStandingAsync(sender.StreamId, toUserId, cancellationToken).ConfigureAwait(false)).IsBanned)
        {
            throw new ChatException(ChatErrorCode.RecipientUnavailable, $"{toUserId} is not in this stream.");
        }

        var (verdict, moderated) = await _moderation.RunAsync(
            new ModerationContext(text, sender.StreamId, sender.UserId, sender.ConnectionId, messageId) { RecipientUserId = toUserId }, cancellationToken).ConfigureAwait(false);
        if (verdict.IsBlocked)
        {
            await _delivery.SendBlockedAsync(connectionId, messageId, MessageOutcome.Block(verdict.Reason!.Value, verdict.Explanation!), cancellationToken).ConfigureAwait(false);
            return;
        }

        var bytes = ChatDelivery.Serialize(
            new WhisperFrame
            {
                Timestamp = _delivery.Now(),
                MessageId = messageId,
                StreamId = sender.StreamId,
                FromUserId = sender.UserId,
                FromUsername = sender.Username,
                ToUserId = toUserId,
                Message = moderated,
            },
            ChatJsonContext.Default.WhisperFrame);

        // A shadow-banned sender's whisper reaches their own connections only; they are not told.
        if (!standing.IsShadowBanned)
        {
            await _delivery.SendToUserAsync(sender.StreamId, toUserId, bytes, cancellationToken).ConfigureAwait(false);
        }

        await _delivery.SendToUserAsync(sender.StreamId, sender.UserId, bytes, cancellationToken).ConfigureAwait(false);
        _delivery.Metrics.WhisperDelivered();
    }
}
