using System.Collections.Concurrent;
using StreamChat.Core.Broadcasting;

namespace StreamChat.AspNetCore.Connections;

/// <summary>
/// The sockets this process holds, by connection id and by stream: the one index every broadcaster that delivers to
/// local sockets reads (the local broadcaster, and a scale-out broadcaster for its node's share of a stream), as
/// SignalR's <c>HubConnectionStore</c> is for its lifetime managers.
/// </summary>
/// <remarks>
/// Thread-safe. A stream's members are a copy-on-write array, so a broadcast walks a plain array without locks or
/// allocations while joins and leaves swap in a new one.
/// </remarks>
public sealed class LocalConnectionRegistry
{
    private readonly ConcurrentDictionary<string, ILocalChatConnection> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StreamGroup> _streams = new(StringComparer.Ordinal);

    /// <summary>Gets how many sockets are registered.</summary>
    public int Count => _connections.Count;

    /// <summary>Registers a socket.</summary>
    /// <param name="connection">The socket.</param>
    /// <returns><see langword="true"/> when it is the first socket of its stream in this process (a scale-out broadcaster subscribes then).</returns>
    /// <exception cref="InvalidOperationException">A socket with the same connection id is registered already.</exception>
    public bool Add(ILocalChatConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!_connections.TryAdd(connection.ConnectionId, connection))
        {
            throw new InvalidOperationException($"Connection '{connection.ConnectionId}' is already registered; each socket is registered once.");
        }

        while (true)
        {
            var group = _streams.GetOrAdd(connection.StreamId, static _ => new StreamGroup());
            if (group.TryAdd(connection, out var first))
            {
                return first;
            }

            // The group was emptied and retired concurrently; take a fresh one.
            _streams.TryRemove(new KeyValuePair<string, StreamGroup>(connection.StreamId, group));
        }
    }

    /// <summary>Unregisters a socket; an unknown one is ignored.</summary>
    /// <param name="connection">The socket.</param>
    /// <returns><see langword="true"/> when it was the last socket of its stream in this process (a scale-out broadcaster unsubscribes then).</returns>
    public bool Remove(ILocalChatConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!_connections.TryRemove(new KeyValuePair<string, ILocalChatConnection>(connection.ConnectionId, connection)))
        {
            return false;
        }

        if (_streams.TryGetValue(connection.StreamId, out var group) && group.Remove(connection))
        {
            _streams.TryRemove(new KeyValuePair<string, StreamGroup>(connection.StreamId, group));
            return true;
        }

        return false;
    }

    /// <summary>Finds a socket by connection id.</summary>
    /// <param name="connectionId">The connection id.</param>
    /// <returns>The socket, or <see langword="null"/> when this process holds none with that id.</returns>
    public ILocalChatConnection? Find(string connectionId)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        return _connections.TryGetValue(connectionId, out var connection) ? connection : null;
    }

    /// <summary>Returns the sockets of a stream: a snapshot that joins and leaves never change.</summary>
    /// <param name="streamId">The stream id.</param>
    /// <returns>The stream's sockets in this process, possibly none.</returns>
    public ReadOnlySpan<ILocalChatConnection> GetStream(string streamId)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        return _streams.TryGetValue(streamId, out var group) ? group.Members : [];
    }

    /// <summary>Returns every registered socket (for shutdown).</summary>
    /// <returns>A snapshot.</returns>
    public IReadOnlyCollection<ILocalChatConnection> Snapshot() => _connections.Values.ToArray();

    private sealed class StreamGroup
    {
        private readonly object _gate = new();
        private ILocalChatConnection[] _members = [];
        private bool _retired;

        public ILocalChatConnection[] Members => Volatile.Read(ref _members);

        public bool TryAdd(ILocalChatConnection connection, out bool first)
        {
            lock (_gate)
            {
                first = _members.Length == 0;
                if (_retired)
                {
                    return false;
                }

                var next = new ILocalChatConnection[_members.Length + 1];
                _members.CopyTo(next, 0);
                next[^1] = connection;
                Volatile.Write(ref _members, next);
                return true;
            }
        }

        /// <summary>Removes a member; returns true when the group became empty and is retired.</summary>
        public bool Remove(ILocalChatConnection connection)
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

                var next = new ILocalChatConnection[_members.Length - 1];
                Array.Copy(_members, 0, next, 0, index);
                Array.Copy(_members, index + 1, next, index, _members.Length - index - 1);
                Volatile.Write(ref _members, next);
                return false;
            }
        }
    }
}
