using StreamChat.Core.Broadcasting;
using StreamChat.Core.Connections;
using StreamChat.Core.Identity;
using StreamChat.Core.Messages;
using StreamChat.Core.Pipeline.Internal;
using StreamChat.Core.Protocol.Internal;
using StreamChat.Core.Sanctions;

namespace StreamChat.Core.Commands.Internal;

/// <summary>
/// What a command does to a stream, once for every host: the sanction goes to the store (so every node and Lambda
/// instance enforces it), the stream is told, history is cleaned, and a banned user's sockets are closed.
/// </summary>
internal sealed class ModeratorActions
{
    /// <summary>The close code a banned user's sockets get (4000-4999 is for applications; 4003 mirrors HTTP 403).</summary>
    public const int BannedCloseCode = 4003;

    private static readonly ChatJsonContext Json = ChatJsonContext.Default;

    private readonly ISanctionStore _sanctions;
    private readonly IMessageStore _messages;
    private readonly IConnectionStore _connections;
    private readonly IChatBroadcaster _broadcaster;
    private readonly ChatDelivery _delivery;

    public ModeratorActions(ISanctionStore sanctions, IMessageStore messages, IConnectionStore connections, IChatBroadcaster broadcaster, ChatDelivery delivery)
    {
        _sanctions = sanctions;
        _messages = messages;
        _connections = connections;
        _broadcaster = broadcaster;
        _delivery = delivery;
    }

    /// <summary>The highest role a user holds in a stream: their open connections' identities, and a <c>/mod</c> grant.</summary>
    public async ValueTask<ChatRole> RoleInStreamAsync(string streamId, string userId, CancellationToken cancellationToken)
    {
        var role = ChatRole.Viewer;
        foreach (var connection in await _connections.GetByUserAsync(streamId, userId, cancellationToken).ConfigureAwait(false))
        {
            role = connection.Role > role ? connection.Role : role;
        }

        if (role < ChatRole.Moderator && (await _sanctions.GetStandingAsync(streamId, userId, cancellationToken).ConfigureAwait(false)).IsGrantedModerator)
        {
            role = ChatRole.Moderator;
        }

        return role;
    }

    public async ValueTask BanAsync(string streamId, string userId, string? reason, CancellationToken cancellationToken)
    {
        await _sanctions.SetAsync(streamId, userId, SanctionKind.Ban, null, cancellationToken).ConfigureAwait(false);
        _delivery.Metrics.SanctionApplied(SanctionKind.Ban);
        await BroadcastAsync(streamId, new UserBannedFrame { Timestamp = _delivery.Now(), StreamId = streamId, UserId = userId, Reason = reason }, Json.UserBannedFrame, cancellationToken).ConfigureAwait(false);
        await DeleteUserMessagesAsync(streamId, userId, cancellationToken).ConfigureAwait(false);

        // The user_banned frame is queued on each of their sockets before the close, and a close sends queued frames first.
        foreach (var connection in await _connections.GetByUserAsync(streamId, userId, cancellationToken).ConfigureAwait(false))
        {
            await _broadcaster.CloseConnectionAsync(connection.ConnectionId, BannedCloseCode, "banned", cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask TimeoutAsync(string streamId, string userId, TimeSpan duration, string? reason, CancellationToken cancellationToken)
    {
        var until = _delivery.UtcNow() + duration;
        await _sanctions.SetAsync(streamId, userId, SanctionKind.Timeout, until, cancellationToken).ConfigureAwait(false);
        _delivery.Metrics.SanctionApplied(SanctionKind.Timeout);
        var frame = new UserTimedOutFrame { Timestamp = _delivery.Now(), StreamId = streamId, UserId = userId, Seconds = (int)duration.TotalSeconds, Reason = reason };
        await BroadcastAsync(streamId, frame, Json.UserTimedOutFrame, cancellationToken).ConfigureAwait(false);
        await DeleteUserMessagesAsync(streamId, userId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Lifts a ban, time-out or shadow ban; <see langword="false"/> when there was none. The stream is told of a lifted
    /// ban or time-out (<c>user_unbanned</c>); only moderators of a lifted shadow ban.
    /// </summary>
    public async ValueTask<bool> LiftAsync(string streamId, string userId, SanctionKind kind, CancellationToken cancellationToken)
    {
        if (!await _sanctions.RemoveAsync(streamId, userId, kind, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        if (kind == SanctionKind.ShadowBan)
        {
            var lifted = ChatDelivery.Serialize(new UserUnshadowBannedFrame { Timestamp = _delivery.Now(), StreamId = streamId, UserId = userId }, Json.UserUnshadowBannedFrame);
            await SendToModeratorsAsync(streamId, lifted, cancellationToken).ConfigureAwait(false);
            return true;
        }

        var sanction = kind == SanctionKind.Ban ? "ban" : "timeout";
        await BroadcastAsync(streamId, new UserUnbannedFrame { Timestamp = _delivery.Now(), StreamId = streamId, UserId = userId, Sanction = sanction }, Json.UserUnbannedFrame, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Puts a shadow ban on a user; only the stream's moderators and broadcaster are told.</summary>
    public async ValueTask ShadowBanAsync(string streamId, string userId, CancellationToken cancellationToken)
    {
        await _sanctions.SetAsync(streamId, userId, SanctionKind.ShadowBan, null, cancellationToken).ConfigureAwait(false);
        _delivery.Metrics.SanctionApplied(SanctionKind.ShadowBan);
        var frame = ChatDelivery.Serialize(new UserShadowBannedFrame { Timestamp = _delivery.Now(), StreamId = streamId, UserId = userId }, Json.UserShadowBannedFrame);
        await SendToModeratorsAsync(streamId, frame, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes one message from history and tells the stream; <see langword="false"/> when history does not hold it.</summary>
    public async ValueTask<bool> DeleteMessageAsync(string streamId, string messageId, CancellationToken cancellationToken)
    {
        var deleted = await _messages.DeleteAsync(streamId, [messageId], cancellationToken).ConfigureAwait(false);
        if (deleted.Count == 0)
        {
            return false;
        }

        await BroadcastAsync(streamId, new MessageDeletedFrame { Timestamp = _delivery.Now(), StreamId = streamId, MessageId = messageId }, Json.MessageDeletedFrame, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask ClearAsync(string streamId, CancellationToken cancellationToken)
    {
        await _messages.ClearAsync(streamId, cancellationToken).ConfigureAwait(false);
        await BroadcastAsync(streamId, new ChatClearedFrame { Timestamp = _delivery.Now(), StreamId = streamId }, Json.ChatClearedFrame, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask SetSlowModeAsync(string streamId, TimeSpan? interval, CancellationToken cancellationToken)
    {
        await _sanctions.SetSlowModeAsync(streamId, interval, cancellationToken).ConfigureAwait(false);
        var frame = new SlowModeFrame { Timestamp = _delivery.Now(), StreamId = streamId, Enabled = interval is not null, Seconds = (int)(interval?.TotalSeconds ?? 0) };
        await BroadcastAsync(streamId, frame, Json.SlowModeFrame, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Grants or takes back the moderator role; <see langword="false"/> when taking back a grant that did not exist.</summary>
    public async ValueTask<bool> SetModeratorAsync(string streamId, string userId, bool on, CancellationToken cancellationToken)
    {
        if (on)
        {
            await _sanctions.SetAsync(streamId, userId, SanctionKind.Moderator, null, cancellationToken).ConfigureAwait(false);
            return true;
        }

        return await _sanctions.RemoveAsync(streamId, userId, SanctionKind.Moderator, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends to the stream's connections with a moderator or broadcaster identity, or a <c>/mod</c> grant.</summary>
    private async ValueTask SendToModeratorsAsync(string streamId, byte[] frame, CancellationToken cancellationToken)
    {
        var granted = await _sanctions.GetModeratorsAsync(streamId, cancellationToken).ConfigureAwait(false);
        foreach (var connection in await _connections.GetByStreamAsync(streamId, cancellationToken).ConfigureAwait(false))
        {
            if (connection.Role >= ChatRole.Moderator || granted.Contains(connection.UserId, StringComparer.Ordinal))
            {
                await _delivery.SendAsync(connection.ConnectionId, frame, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Deletes a user's messages from history and tells the stream which (Twitch's CLEARCHAT for one user).</summary>
    private async ValueTask DeleteUserMessagesAsync(string streamId, string userId, CancellationToken cancellationToken)
    {
        var ids = await _messages.DeleteByUserAsync(streamId, userId, cancellationToken).ConfigureAwait(false);
        if (ids.Count > 0)
        {
            await BroadcastAsync(streamId, new MessagesDeletedFrame { Timestamp = _delivery.Now(), StreamId = streamId, UserId = userId, MessageIds = ids }, Json.MessagesDeletedFrame, cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask BroadcastAsync<T>(string streamId, T frame, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken) =>
        await _delivery.BroadcastAsync(streamId, ChatDelivery.Serialize(frame, typeInfo), null, cancellationToken).ConfigureAwait(false);
}
