using System.Collections.Concurrent;

namespace StreamChat.Core.Connections;

/// <summary>
/// The default <see cref="IConnectionStore"/>: process-local dictionaries, for a single node.
/// </summary>
/// <remarks>
/// A viewer's connections to a stream are kept as a small array replaced on every change, not as a dictionary of their
/// own: nearly every viewer has one, and a dictionary per viewer held about 650 bytes for it (buckets, tables and
/// locks), a twentieth of what an idle connection costs the server.
/// </remarks>
internal sealed class InMemoryConnectionStore : IConnectionStore
{
    private readonly ConcurrentDictionary<string, ChatConnection> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, ChatConnection>> _byStream = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string StreamId, string UserId), ChatConnection[]> _byUser = new();

    /// <inheritdoc />
    public Task<bool> AddAsync(ChatConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        cancellationToken.ThrowIfCancellationRequested();

        if (!_byId.TryAdd(connection.ConnectionId, connection))
        {
            return Task.FromResult(false);
        }

        AddToGroup(_byStream, connection.StreamId, connection);
        AddToUser((connection.StreamId, connection.UserId), connection);
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public Task<ChatConnection?> RemoveAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        cancellationToken.ThrowIfCancellationRequested();

        if (!_byId.TryRemove(connectionId, out var removed))
        {
            return Task.FromResult<ChatConnection?>(null);
        }

        RemoveFromGroup(_byStream, removed.StreamId, connectionId);
        RemoveFromUser((removed.StreamId, removed.UserId), connectionId);
        return Task.FromResult<ChatConnection?>(removed);
    }

    /// <inheritdoc />
    public Task<ChatConnection?> GetAsync(string connectionId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_byId.TryGetValue(connectionId, out var connection) ? connection : null);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ChatConnection>> GetByStreamAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        cancellationToken.ThrowIfCancellationRequested();
        IReadOnlyList<ChatConnection> result = _byStream.TryGetValue(streamId, out var group)
            ? group.Values.ToArray()
            : [];
        return Task.FromResult(result);
    }

    /// <inheritdoc />
    public Task<int> CountAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_byStream.TryGetValue(streamId, out var group) ? group.Count : 0);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ChatConnection>> GetByUserAsync(string streamId, string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        ArgumentNullException.ThrowIfNull(userId);
        cancellationToken.ThrowIfCancellationRequested();
        // The stored array is never changed, only replaced, so it can be handed out as it is.
        IReadOnlyList<ChatConnection> result = _byUser.TryGetValue((streamId, userId), out var connections)
            ? connections
            : [];
        return Task.FromResult(result);
    }

    private static void AddToGroup<TKey>(ConcurrentDictionary<TKey, ConcurrentDictionary<string, ChatConnection>> groups, TKey key, ChatConnection connection)
        where TKey : notnull
    {
        while (true)
        {
            var group = groups.GetOrAdd(key, static _ => new ConcurrentDictionary<string, ChatConnection>(StringComparer.Ordinal));
            group[connection.ConnectionId] = connection;

            // A concurrent remove may have dropped the (then empty) group after we fetched it; retry then.
            if (groups.TryGetValue(key, out var current) && ReferenceEquals(current, group))
            {
                return;
            }
        }
    }

    private static void RemoveFromGroup<TKey>(ConcurrentDictionary<TKey, ConcurrentDictionary<string, ChatConnection>> groups, TKey key, string connectionId)
        where TKey : notnull
    {
        if (groups.TryGetValue(key, out var group))
        {
            group.TryRemove(connectionId, out _);
            if (group.IsEmpty)
            {
                // Only removes the exact (empty) group instance; AddToGroup re-checks and retries.
                groups.TryRemove(new KeyValuePair<TKey, ConcurrentDictionary<string, ChatConnection>>(key, group));
            }
        }
    }

    private void AddToUser((string StreamId, string UserId) key, ChatConnection connection)
    {
        while (true)
        {
            if (!_byUser.TryGetValue(key, out var current))
            {
                if (_byUser.TryAdd(key, [connection]))
                {
                    return;
                }

                continue;
            }

            ChatConnection[] next = [.. current, connection];
            if (_byUser.TryUpdate(key, next, current))
            {
                return;
            }
        }
    }

    private void RemoveFromUser((string StreamId, string UserId) key, string connectionId)
    {
        while (_byUser.TryGetValue(key, out var current))
        {
            var index = IndexOf(current, connectionId);
            if (index < 0)
            {
                return;
            }

            if (current.Length == 1)
            {
                // Removes only this exact array; a connection added meanwhile made a new one, and the loop looks again.
                if (_byUser.TryRemove(new KeyValuePair<(string, string), ChatConnection[]>(key, current)))
                {
                    return;
                }

                continue;
            }

            ChatConnection[] next = [.. current.AsSpan(0, index), .. current.AsSpan(index + 1)];
            if (_byUser.TryUpdate(key, next, current))
            {
                return;
            }
        }
    }

    private static int IndexOf(ChatConnection[] connections, string connectionId)
    {
        for (var i = 0; i < connections.Length; i++)
        {
            if (string.Equals(connections[i].ConnectionId, connectionId, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
