using System.Globalization;
using StreamChat.Core.Identity;
using StreamChat.Core.Moderation.Internal;
using StreamChat.Core.Pipeline;
using StreamChat.Core.Protocol;

namespace StreamChat.Core.RateLimiting.Internal;

/// <summary>
/// The per-address handshake rate, slow mode, the per-user message rate and the stream's message rate, in the limit slot. Slow mode spares
/// moderators and the broadcaster; the message rate gives them their own, higher limit. Every block tells the sender
/// how long to wait and goes to the audit trail.
/// </summary>
internal sealed class RateLimitPolicy : IChatPolicy
{
    private readonly ChatRateLimits _limits;
    private readonly AuditTrail _audit;

    public RateLimitPolicy(ChatRateLimits limits, AuditTrail audit)
    {
        _limits = limits;
        _audit = audit;
    }

    public ChatPolicySlot Slot => ChatPolicySlot.Limit;

    public async ValueTask<ConnectResult> OnConnectAsync(ChatConnectContext context, ChatPolicyStep<ChatConnectContext, ConnectResult> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (context.RemoteAddress is { Length: > 0 } address)
        {
            var decision = await _limits.TryAcquireAsync(_limits.Options.Handshake, "hs:" + address, context.CancellationToken).ConfigureAwait(false);
            if (!decision.IsAllowed)
            {
                return ConnectResult.Refuse(429, $"Too many connection attempts from this address. Try again in {ChatRateLimits.Seconds(decision.RetryAfter)} seconds.");
            }
        }

        return await continuation(context).ConfigureAwait(false);
    }

    public async ValueTask<MessageOutcome> OnMessageAsync(ChatMessageContext context, ChatPolicyStep<ChatMessageContext, MessageOutcome> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        var connection = context.Connection;
        var cancellationToken = context.CancellationToken;
        var isModerator = context.Role >= ChatRole.Moderator;

        if (!isModerator && context.Standing.SlowMode is { } interval)
        {
            var key = ChatRateLimits.Key("slow" + ((long)interval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), connection.StreamId, connection.UserId);
            var decision = await _limits.TryAcquireAsync(key, 1, interval, cancellationToken).ConfigureAwait(false);
            if (!decision.IsAllowed)
            {
                return await BlockAsync(context, BlockReason.SlowMode, "limit.slow_mode", $"Slow mode is on: one message every {ChatRateLimits.Seconds(interval)} seconds.", decision).ConfigureAwait(false);
            }
        }

        var rule = isModerator ? _limits.Options.Moderator : _limits.Options.Viewer;
        var rate = await _limits.TryAcquireAsync(rule, ChatRateLimits.Key("msg", connection.StreamId, connection.UserId), cancellationToken).ConfigureAwait(false);
        if (!rate.IsAllowed)
        {
            return await BlockAsync(context, BlockReason.RateLimited, "limit.messages", $"You are sending messages too fast ({rule.PermitLimit} per {ChatRateLimits.Seconds(rule.Window)} seconds).", rate).ConfigureAwait(false);
        }

        if (!isModerator)
        {
            var room = _limits.Options.Stream;
            var busy = await _limits.TryAcquireAsync(room, ChatRateLimits.Key("room", connection.StreamId, string.Empty), cancellationToken).ConfigureAwait(false);
            if (!busy.IsAllowed)
            {
                return await BlockAsync(context, BlockReason.RateLimited, "limit.stream", $"The chat is busy ({room.PermitLimit} messages per {ChatRateLimits.Seconds(room.Window)} seconds from all viewers).", busy).ConfigureAwait(false);
            }
        }

        return await continuation(context).ConfigureAwait(false);
    }

    /// <summary>Audits the block and tells the sender why and how long to wait.</summary>
    private async ValueTask<MessageOutcome> BlockAsync(ChatMessageContext context, BlockReason reason, string rule, string why, RateLimitDecision decision)
    {
        await _audit.BlockedAsync(context.Connection, context.MessageId, reason, rule, context.CancellationToken).ConfigureAwait(false);
        return MessageOutcome.Block(reason, $"{why} Wait {ChatRateLimits.Seconds(decision.RetryAfter)} seconds.", decision.RetryAfter);
    }
}
