using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamChat.Core.Broadcasting;
using StreamChat.Core.Connections;
using StreamChat.Core.Diagnostics;
using StreamChat.Core.Folding.Internal;
using StreamChat.Core.Internal;
using StreamChat.Core.Protocol;
using StreamChat.Core.Protocol.Internal;

namespace StreamChat.Core.Pipeline.Internal;

/// <summary>
/// Delivery for every action: serializes a frame once, sends it to a connection or a stream, and removes and announces
/// the connections a send finds gone. A broadcaster failure is logged, never thrown at the sender.
/// </summary>
internal sealed partial class ChatDelivery
{
    private static readonly ChatJsonContext Json = ChatJsonContext.Default;

    private readonly IConnectionStore _connections;
    private readonly IChatBroadcaster _broadcaster;
    private readonly TimeProvider _timeProvider;
    private readonly StreamChatMetrics _metrics;
    private readonly ILogger _logger;
    private readonly StreamFolder _folder;
    private readonly PresenceOptions _presence;

    // The count this process last sent each big stream, so an unchanged count is not sent again.
    private readonly ConcurrentDictionary<string, int> _sentCounts = new(StringComparer.Ordinal);

    public ChatDelivery(
        IConnectionStore connections,
        IChatBroadcaster broadcaster,
        TimeProvider timeProvider,
        StreamChatMetrics metrics,
        ILogger<ChatDelivery> logger,
        StreamFolder folder,
        IOptions<StreamChatOptions> options)
    {
        _folder = folder;
        _presence = options.Value.Presence;
        _connections = connections;
        _broadcaster = broadcaster;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _logger = logger;
    }

    public StreamChatMetrics Metrics => _metrics;

    /// <summary>Waits for the folded frames (reaction and viewer counts) deferred so far.</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken) => _folder.WhenIdleAsync(cancellationToken);

    /// <summary>The protocol timestamp of now.</summary>
    public string Now() => ProtocolTime.Format(_timeProvider.GetUtcNow());

    public DateTimeOffset UtcNow() => _timeProvider.GetUtcNow();

    /// <summary>Sends to every connection of one user in a stream; gone connections are removed and announced.</summary>
    public async ValueTask SendToUserAsync(string streamId, string userId, byte[] frame, CancellationToken cancellationToken)
    {
        var result = await _broadcaster.SendToUserAsync(streamId, userId, frame, cancellationToken).ConfigureAwait(false);
        if (result.GoneConnectionIds.Count > 0)
        {
            await RemoveGoneAsync(result.GoneConnectionIds, cancellationToken).ConfigureAwait(false);
        }
    }

    public static byte[] Serialize<T>(T frame, JsonTypeInfo<T> typeInfo) => JsonSerializer.SerializeToUtf8Bytes(frame, typeInfo);

    public async ValueTask SendAsync(string connectionId, byte[] frame, CancellationToken cancellationToken)
    {
        var result = await _broadcaster.SendToConnectionAsync(connectionId, frame, cancellationToken).ConfigureAwait(false);
        if (result.GoneConnectionIds.Count > 0)
        {
            await RemoveGoneAsync(result.GoneConnectionIds, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask SendErrorAsync(string connectionId, ChatErrorCode code, string text, CancellationToken cancellationToken, TimeSpan? retryAfter = null)
    {
        _metrics.Error(code);
        Log.ErrorSent(_logger, connectionId, code.ToWireName());
        var frame = new ErrorFrame { Timestamp = Now(), Code = code.ToWireName(), Message = text, RetryAfter = WholeSeconds(retryAfter) };
        return SendAsync(connectionId, Serialize(frame, Json.ErrorFrame), cancellationToken);
    }

    public ValueTask SendBlockedAsync(string connectionId, string messageId, MessageOutcome outcome, CancellationToken cancellationToken)
    {
        var reason = outcome.Reason!.Value;
        _metrics.MessageBlocked(reason);
        Log.MessageBlocked(_logger, connectionId, messageId, reason.ToWireName());
        var frame = Serialize(
            new MessageBlockedFrame { Timestamp = Now(), Reason = reason.ToWireName(), Message = outcome.Explanation!, RetryAfter = WholeSeconds(outcome.RetryAfter) },
            Json.MessageBlockedFrame);
        return SendAsync(connectionId, frame, cancellationToken);
    }

    /// <summary>Whole seconds, rounded up, so a client that waits that long is let through.</summary>
    public static int? WholeSeconds(TimeSpan? wait) => wait is { } w ? (int)Math.Ceiling(Math.Max(0, w.TotalSeconds)) : null;

    /// <summary>Broadcasts to a stream; gone connections are removed and announced. Returns how many took the frame.</summary>
    public async ValueTask<int> BroadcastAsync(string streamId, byte[] frame, string? exceptConnectionId, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        BroadcastResult result;
        try
        {
            result = await _broadcaster.SendToStreamAsync(streamId, frame, exceptConnectionId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex.IsFailure(cancellationToken))
        {
            // The message is stored; a broadcaster failure must not fail the sender's frame twice.
            Log.BroadcastFailed(_logger, streamId, ex);
            return 0;
        }

        _metrics.BroadcastCompleted(Stopwatch.GetElapsedTime(started));
        if (result.GoneConnectionIds.Count > 0)
        {
            await RemoveGoneAsync(result.GoneConnectionIds, cancellationToken).ConfigureAwait(false);
        }

        return result.Delivered;
    }

    /// <summary>
    /// Tells a stream who joined (everyone but the newcomer); in a stream above
    /// <see cref="PresenceOptions.IndividualEventsUpTo"/> connections, folds the join into the next <c>viewer_count</c>.
    /// </summary>
    public async ValueTask AnnounceJoinedAsync(ChatConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            var count = await _connections.CountAsync(connection.StreamId, cancellationToken).ConfigureAwait(false);
            if (count > _presence.IndividualEventsUpTo)
            {
                await FoldPresenceAsync(connection.StreamId, cancellationToken).ConfigureAwait(false);
                return;
            }
        }
        catch (Exception ex) when (ex.IsFailure(cancellationToken))
        {
            // The connection is stored either way; announcing it is best effort.
            Log.BroadcastFailed(_logger, connection.StreamId, ex);
            return;
        }

        var joined = Serialize(
            new UserJoinedFrame { Timestamp = Now(), StreamId = connection.StreamId, UserId = connection.UserId, Username = connection.Username },
            Json.UserJoinedFrame);
        await BroadcastAsync(connection.StreamId, joined, connection.ConnectionId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Notes a join or leave in a big stream; the claimer sends the count once the interval has passed.</summary>
    private ValueTask FoldPresenceAsync(string streamId, CancellationToken cancellationToken)
    {
        _metrics.PresenceFolded();
        return _folder.NoteAsync(streamId, "presence", "count", _presence.ViewerCountInterval, TimeSpan.Zero, SendViewerCountAsync, cancellationToken);
    }

    private async Task SendViewerCountAsync(string streamId, IReadOnlyList<string> items, CancellationToken cancellationToken)
    {
        var count = await _connections.CountAsync(streamId, cancellationToken).ConfigureAwait(false);
        if (_sentCounts.TryGetValue(streamId, out var sent) && sent == count)
        {
            return;
        }

        if (count > _presence.IndividualEventsUpTo)
        {
            _sentCounts[streamId] = count;
        }
        else
        {
            // Back to individual events: the next crossing sends a count again.
            _sentCounts.TryRemove(streamId, out _);
        }

        var frame = Serialize(new ViewerCountFrame { Timestamp = Now(), StreamId = streamId, ViewerCount = count }, Json.ViewerCountFrame);
        await BroadcastAsync(streamId, frame, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A connection younger than this that a send finds gone is left alone: API Gateway answers 410 for a connection
    /// whose <c>$connect</c> is still running (its integration may take up to 29 seconds), and a socket that really
    /// closed gets its own disconnect on both hosts.
    /// </summary>
    internal static readonly TimeSpan GoneGracePeriod = TimeSpan.FromSeconds(30);

    /// <summary>Removes and announces connections a send found gone, except those still within <see cref="GoneGracePeriod"/> of connecting.</summary>
    private ValueTask RemoveGoneAsync(IReadOnlyList<string> connectionIds, CancellationToken cancellationToken) =>
        RemoveAndAnnounceAsync(connectionIds, cancellationToken, foundGone: true);

    /// <summary>Whether a connection a send found gone is still within the grace period after its connect.</summary>
    private async ValueTask<bool> IsYoungAsync(string connectionId, CancellationToken cancellationToken)
    {
        if (await _connections.GetAsync(connectionId, cancellationToken).ConfigureAwait(false) is { } connection && connection.ConnectedAt > UtcNow() - GoneGracePeriod)
        {
            Log.YoungConnectionGone(_logger, connectionId);
            return true;
        }

        return false;
    }

    /// <summary>
    /// Removes connections and tells their streams. Announcing may find more connections gone; they are handled in the
    /// same loop, and each is removed (and announced) at most once.
    /// </summary>
    /// <param name="connectionIds">The connections.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <param name="foundGone">
    /// <see langword="true"/> when a send found them gone rather than the transport reporting a close: those within
    /// <see cref="GoneGracePeriod"/> of connecting are left alone. Connections found gone while announcing always are.
    /// </param>
    public async ValueTask RemoveAndAnnounceAsync(IReadOnlyList<string> connectionIds, CancellationToken cancellationToken, bool foundGone = false)
    {
        var pending = new Queue<(string Id, bool FoundGone)>(connectionIds.Select(id => (id, foundGone)));
        while (pending.TryDequeue(out var next))
        {
            var connectionId = next.Id;
            if (next.FoundGone && await IsYoungAsync(connectionId, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            var removed = await _connections.RemoveAsync(connectionId, cancellationToken).ConfigureAwait(false);
            if (removed is null)
            {
                continue;
            }

            _metrics.ConnectionClosed();
            Log.ConnectionClosed(_logger, removed.ConnectionId, removed.StreamId, removed.UserId);
            try
            {
                // Above the threshold before this leave: folded, so the count that crosses back down is sent too.
                var remaining = await _connections.CountAsync(removed.StreamId, cancellationToken).ConfigureAwait(false);
                if (remaining + 1 > _presence.IndividualEventsUpTo)
                {
                    await FoldPresenceAsync(removed.StreamId, cancellationToken).ConfigureAwait(false);
                    continue;
                }
            }
            catch (Exception ex) when (ex.IsFailure(cancellationToken))
            {
                // The connection is removed either way; announcing it is best effort.
                Log.BroadcastFailed(_logger, removed.StreamId, ex);
                continue;
            }

            var left = Serialize(
                new UserLeftFrame { Timestamp = Now(), StreamId = removed.StreamId, UserId = removed.UserId, Username = removed.Username },
                Json.UserLeftFrame);
            try
            {
                var result = await _broadcaster.SendToStreamAsync(removed.StreamId, left, removed.ConnectionId, cancellationToken).ConfigureAwait(false);
                foreach (var gone in result.GoneConnectionIds)
                {
                    pending.Enqueue((gone, true));
                }
            }
            catch (Exception ex) when (ex.IsFailure(cancellationToken))
            {
                // The connection is removed either way; announcing it is best effort.
                Log.BroadcastFailed(_logger, removed.StreamId, ex);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Trace, "Sent error {Code} to connection {ConnectionId}.", EventName = "ErrorSent")]
        public static partial void ErrorSent(ILogger logger, string connectionId, string code);

        [LoggerMessage(2, LogLevel.Trace, "Message {MessageId} from connection {ConnectionId} blocked: {Reason}.", EventName = "MessageBlocked")]
        public static partial void MessageBlocked(ILogger logger, string connectionId, string messageId, string reason);

        [LoggerMessage(3, LogLevel.Warning, "Broadcasting to stream {StreamId} failed.", EventName = "BroadcastFailed")]
        public static partial void BroadcastFailed(ILogger logger, string streamId, Exception exception);

        [LoggerMessage(5, LogLevel.Debug, "A send found connection {ConnectionId} gone within the grace period after it connected; it is left for its own disconnect.", EventName = "YoungConnectionGone")]
        public static partial void YoungConnectionGone(ILogger logger, string connectionId);

        [LoggerMessage(4, LogLevel.Debug, "Connection {ConnectionId} closed in stream {StreamId} for user {UserId}.", EventName = "ConnectionClosed")]
        public static partial void ConnectionClosed(ILogger logger, string connectionId, string streamId, string userId);
    }
}
