using System.Collections.Concurrent;
using StreamChat.Core.Broadcasting;

namespace StreamChat.AspNetCore.Internal;

/// <summary>
/// The ASP.NET Core host's broadcaster: hands the same bytes to every local WebSocket of a stream by
/// queueing them, never waiting on a socket. A stream's members are a copy-on-write array, so a
/// broadcast walks a plain array without locks or allocations.
/// </summary>
internal sealed class LocalChatBroadcaster : IChatBroadcaster
{
    private readonly ConcurrentDictionary<string, WebSocketChatConnection> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StreamGroup> _streams = new(StringComparer.Ordinal);

    public int Count => _connections.Count;

    public void Add(WebSocketChatConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!_connections.TryAdd(connection.ConnectionId, connection))
        {
            throw new InvalidOperationException($"Connection '{connection.ConnectionId}' is already registered.");
        }

        while (true)
        {
            var group = _streams.GetOrAdd(connection.StreamId, static _ => new StreamGroup());
            if (group.TryAdd(connection))
            {
                return;
            }

            // The group was emptied and retired concurrently; take a fresh one.
            _streams.TryRemove(new KeyValuePair<string, StreamGroup>(connection.StreamId, group));
        }
    }

    public void Remove(WebSocketChatConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!_connections.TryRemove(new KeyValuePair<string, WebSocketChatConnection>(connection.ConnectionId, connection)))
        {
            return;
        }

        if (_streams.TryGetValue(connection.StreamId, out var group) && group.Remove(connection))
        {
            _streams.TryRemove(new KeyValuePair<string, StreamGroup>(connection.StreamId, group));
        }
    }

    public IReadOnlyCollection<WebSocketChatConnection> Snapshot() => _connections.Values.ToArray();

    /// <inheritdoc />
    public Task<BroadcastResult> SendToStreamAsync(string streamId, ReadOnlyMemory<byte> frame, string? exceptConnectionId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        if (!_streams.TryGetValue(streamId, out var group))
        {
            return Task.FromResult(new BroadcastResult(0));
        }

        var delivered = 0;
        List<string>? gone = null;
        foreach (var connection in group.Members)
        {
            if (exceptConnectionId is not null && string.Equals(connection.ConnectionId, exceptConnectionId, StringComparison.Ordinal))
            {
                continue;
            }

            if (connection.TryEnqueue(frame))
            {
                delivered++;
            }
            else
            {
                (gone ??= []).Add(connection.ConnectionId);
            }
        }

        return Task.FromResult(new BroadcastResult(delivered, gone));
    }

    /// <inheritdoc />
    public Task<BroadcastResult> SendToConnectionAsync(string connectionId, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        if (_connections.TryGetValue(connectionId, out var connection) && connection.TryEnqueue(frame))
        {
            return Task.FromResult(new BroadcastResult(1));
        }

        return Task.FromResult(new BroadcastResult(0, [connectionId]));
    }

    private sealed class StreamGroup
    {
        private readonly object _gate = new();
        private WebSocketChatConnection[] _members = [];
        private bool _retired;

        public WebSocketChatConnection[] Members => Volatile.Read(ref _members);

        public bool TryAdd(WebSocketChatConnection connection)
        {
            lock (_gate)
            {
                if (_retired)
                {
                    return false;
                }

                var next = new WebSocketChatConnection[_members.Length + 1];
                _members.CopyTo(next, 0);
                next[^1] = connection;
                Volatile.Write(ref _members, next);
                return true;
            }
        }

        /// <summary>Removes a member; returns true when the group became empty and is retired.</summary>
        public bool Remove(WebSocketChatConnection connection)
        {
            lock (_gate)
            {
                var index = Array.IndexOf(_members, connection);
                if (index < 0)
                {
                    return false;
                }

                if (_members.Length == 1)
                {
                    Volatile.Write(ref _members, []);
                    _retired = true;
                    return true;
                }

                var next = new WebSocketChatConnection[_members.Length - 1];
                Array.Copy(_members, 0, next, 0, index);
                Array.Copy(_members, index + 1, next, index, _members.Length - index - 1);
                Volatile.Write(ref _members, next);
                return false;
            }
        }
    }
}
