using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamChat.Core.Connections;
using StreamChat.Core.Pipeline;

namespace StreamChat.Core.Identity.Internal;

/// <summary>
/// <see cref="DisplayNameOptions.Confusables"/> in the authorize slot: a name that looks like another user's in the
/// stream (same TR39 skeleton, ignoring case) is refused with 409, or decorated with the user id, before the
/// connection is stored. A count and, up to <see cref="DisplayNameOptions.CheckStreamsUpTo"/> connections, one read of
/// the stream's connections per handshake. Two look-alike handshakes racing can both pass.
/// </summary>
internal sealed partial class DisplayNamePolicy : IChatPolicy
{
    private const int MaxCachedNames = 10_000;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string First, string Second)> _keys = new(StringComparer.Ordinal);
    private readonly IConnectionStore _connections;
    private readonly DisplayNameOptions _options;
    private readonly ILogger _logger;
    private int _loggedLargeStream;

    public DisplayNamePolicy(IConnectionStore connections, IOptions<StreamChatOptions> options, ILogger<DisplayNamePolicy> logger)
    {
        _connections = connections;
        _options = options.Value.DisplayNames;
        _logger = logger;
    }

    public ChatPolicySlot Slot => ChatPolicySlot.Authorize;

    public async ValueTask<ConnectResult> OnConnectAsync(ChatConnectContext context, ChatPolicyStep<ChatConnectContext, ConnectResult> continuation)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(continuation);
        if (_options.Confusables == ConfusableNameHandling.Allow)
        {
            return await continuation(context).ConfigureAwait(false);
        }

        var connection = context.Connection;
        var count = await _connections.CountAsync(connection.StreamId, context.CancellationToken).ConfigureAwait(false);
        if (count > _options.CheckStreamsUpTo)
        {
            if (Interlocked.Exchange(ref _loggedLargeStream, 1) == 0)
            {
                Log.LargeStreamNotChecked(_logger, connection.StreamId, count, _options.CheckStreamsUpTo);
            }

            return await continuation(context).ConfigureAwait(false);
        }

        IReadOnlyList<ChatConnection> others = count == 0 ? [] : await _connections.GetByStreamAsync(connection.StreamId, context.CancellationToken).ConfigureAwait(false);

        var keys = KeysOf(connection.Username);
        foreach (var other in others)
        {
            if (string.Equals(other.UserId, connection.UserId, StringComparison.Ordinal)
                || !Confusables.AreConfusable(keys, KeysOf(other.Username)))
            {
                continue;
            }

            Log.Confusable(_logger, connection.ConnectionId, connection.UserId, other.UserId, connection.StreamId);
            if (_options.Confusables == ConfusableNameHandling.Refuse)
            {
                return ConnectResult.Refuse(409, $"The name '{connection.Username}' looks like the name of someone already in this stream. Choose another.");
            }

            var decorated = connection with { Username = $"{connection.Username} (@{connection.UserId})" };
            return await continuation(context with { Connection = decorated }).ConfigureAwait(false);
        }

        return await continuation(context).ConfigureAwait(false);
    }

    /// <summary>
    /// A name's keys, computed once: a join storm of N viewers compares each new name with every name in the stream, and
    /// a skeleton costs a microsecond while a lookup costs a few nanoseconds. The cache is cleared when it grows past
    /// <see cref="MaxCachedNames"/> names, so it stays small whatever the churn.
    /// </summary>
    private (string First, string Second) KeysOf(string name)
    {
        if (_keys.TryGetValue(name, out var keys))
        {
            return keys;
        }

        if (_keys.Count >= MaxCachedNames)
        {
            _keys.Clear();
        }

        keys = Confusables.NameKeys(name);
        _keys.TryAdd(name, keys);
        return keys;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Connection {ConnectionId}: the name of user {UserId} looks like that of user {OtherUserId} in stream {StreamId}.", EventName = "ConfusableName")]
        public static partial void Confusable(ILogger logger, string connectionId, string userId, string otherUserId, string streamId);

        [LoggerMessage(2, LogLevel.Information, "Stream {StreamId} holds {Count} connections, more than DisplayNames.CheckStreamsUpTo ({Limit}); names joining streams that large are not compared. Logged once.", EventName = "LargeStreamNotChecked")]
        public static partial void LargeStreamNotChecked(ILogger logger, string streamId, int count, int limit);
    }
}
