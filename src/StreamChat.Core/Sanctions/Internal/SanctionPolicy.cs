using StreamChat.Core.Moderation.Internal;
using StreamChat.Core.Pipeline;
using StreamChat.Core.Protocol;

namespace StreamChat.Core.Sanctions.Internal;

/// <summary>
/// Bans and time-outs in the authorize slot: a banned user's handshake is refused with 403 and their messages are
/// blocked (<c>banned</c>); a timed-out user's messages are blocked (<c>muted</c>) with the seconds left. The standing it
/// reads (one store read per handshake and per message) travels on with the message for the later steps.
/// </summary>
internal sealed class SanctionPolicy : IChatPolicy
{
    public const string BannedReason = "You are banned from this stream's chat.";

    private readonly ISanctionStore _sanctions;
    private readonly AuditTrail _audit;

    public SanctionPolicy(ISanctionStore sanctions, AuditTrail audit)
    {
        _sanctions = sanctions;
        _audit = audit;
    }

    public ChatPolicySlot Slot => ChatPolicySlot.Authorize;

    /// <summary>The block a ban or a running time-out puts on anything a user sends (chat, whispers); <see langword="null"/> for none.</summary>
    public static MessageOutcome? Blocks(ChatStanding standing, DateTimeOffset now)
    {
        if (standing.IsBanned)
        {
            return MessageOutcome.Block(BlockReason.Banned, BannedReason);
        }

        return standing.TimedOutUntil is { } until && until - now is { Ticks: > 0 } left
            ? MessageOutcome.Block(BlockReason.Muted, $"You are timed out for {Math.Ceiling(left.TotalSeconds)} more seconds.", left)
            : null;
    }

    public async ValueTask<ConnectResult> OnConnectAsync(ChatConnectContext context, ChatPolicyStep<ChatConnectContext, ConnectResult> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        var connection = context.Connection;
        var standing = await _sanctions.GetStandingAsync(connection.StreamId, connection.UserId, context.CancellationToken).ConfigureAwait(false);
        if (standing.IsBanned)
        {
            return ConnectResult.Refuse(403, BannedReason);
        }

        return await continuation(context).ConfigureAwait(false);
    }

    public async ValueTask<MessageOutcome> OnMessageAsync(ChatMessageContext context, ChatPolicyStep<ChatMessageContext, MessageOutcome> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        var connection = context.Connection;
        var cancellationToken = context.CancellationToken;
        var standing = await _sanctions.GetStandingAsync(connection.StreamId, connection.UserId, cancellationToken).ConfigureAwait(false);
        if (Blocks(standing, _audit.Now()) is { } blocked)
        {
            // A ban closes the user's sockets; a message can still arrive from one that is closing.
            await _audit.BlockedAsync(connection, context.MessageId, blocked.Reason!.Value, blocked.Reason == BlockReason.Banned ? "sanction.ban" : "sanction.timeout", cancellationToken).ConfigureAwait(false);
            return blocked;
        }

        return await continuation(standing == ChatStanding.None ? context : context with { Standing = standing }).ConfigureAwait(false);
    }
}
