using System.Globalization;
using Microsoft.Extensions.Options;
using StreamChat.Core.Identity;
using StreamChat.Core.Moderation.Internal;
using StreamChat.Core.Pipeline;
using StreamChat.Core.Protocol;

namespace StreamChat.Core.RateLimiting.Internal;

/// <summary>
/// The per-address handshake rate, slow mode and the per-user message rate, in the limit slot. Slow mode spares
/// moderators and the broadcaster; the message rate gives them their own, higher limit. Every block tells the sender
/// how long to wait and goes to the audit trail.
/// </summary>
internal sealed class RateLimitPolicy : IChatPolicy
{
    private readonly IRateLimitCounter _counter;
    private readonly AuditTrail _audit;
    private readonly RateLimitOptions _options;

    public RateLimitPolicy(IRateLimitCounter counter, AuditTrail audit, IOptions<StreamChatOptions> options)
    {
        _counter = counter;
        _audit = audit;
        _options = options.Value.RateLimits;
    }

    public ChatPolicySlot Slot => ChatPolicySlot.Limit;

    /// <summary>A counter key from parts that may hold any character: each is length-prefixed, so no two tuples collide.</summary>
    public static string Key(string kind, string streamId, string userId) =>
        string.Create(CultureInfo.InvariantCulture, $"{kind}:{streamId.Length}:{streamId}:{userId}");

    public async ValueTask<ConnectResult> OnConnectAsync(ChatConnectContext context, ChatPolicyStep<ChatConnectContext, ConnectResult> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        var rule = _options.Handshake;
        if (_options.Enabled && rule.PermitLimit is { } limit && context.RemoteAddress is { Length: > 0 } address)
        {
            var decision = await _counter.TryAcquireAsync("hs:" + address, limit, rule.Window, context.CancellationToken).ConfigureAwait(false);
            if (!decision.IsAllowed)
            {
                return ConnectResult.Refuse(429, $"Too many connection attempts from this address. Try again in {Seconds(decision.RetryAfter)} seconds.");
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
            var key = Key("slow" + ((long)interval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), connection.StreamId, connection.UserId);
            var decision = await _counter.TryAcquireAsync(key, 1, interval, cancellationToken).ConfigureAwait(false);
            if (!decision.IsAllowed)
            {
                await _audit.BlockedAsync(connection, context.MessageId, BlockReason.SlowMode, "limit.slow_mode", cancellationToken).ConfigureAwait(false);
                return MessageOutcome.Block(
                    BlockReason.SlowMode,
                    $"Slow mode is on: one message every {Seconds(interval)} seconds. Wait {Seconds(decision.RetryAfter)} seconds.",
                    decision.RetryAfter);
            }
        }

        var rule = isModerator ? _options.Moderator : _options.Viewer;
        if (_options.Enabled && rule.PermitLimit is { } limit)
        {
            var decision = await _counter.TryAcquireAsync(Key("msg", connection.StreamId, connection.UserId), limit, rule.Window, cancellationToken).ConfigureAwait(false);
            if (!decision.IsAllowed)
            {
                await _audit.BlockedAsync(connection, context.MessageId, BlockReason.RateLimited, "limit.messages", cancellationToken).ConfigureAwait(false);
                return MessageOutcome.Block(
                    BlockReason.RateLimited,
                    $"You are sending messages too fast ({limit} per {Seconds(rule.Window)} seconds). Wait {Seconds(decision.RetryAfter)} seconds.",
                    decision.RetryAfter);
            }
        }

        return await continuation(context).ConfigureAwait(false);
    }

    private static int Seconds(TimeSpan wait) => (int)Math.Ceiling(wait.TotalSeconds);
}
