using System.Collections.Concurrent;

namespace StreamChat.Core.Connections;

/// <summary>
/// The default <see cref="IConnectionStore"/>: process-local dictionaries, for a single node.
/// </summary>
internal sealed class InMemoryConnectionStore : IConnectionStore
{
    private readonly ConcurrentDictionary<string, ChatConnection> _byId = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, ChatConnection>> _byStream = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public Task<bool> AddAsync(ChatConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        cancellationToken.ThrowIfCancellationRequested();

        if (!_byId.TryAdd(connection.ConnectionId, connection))
        {
            return Task.FromResult(false);
        }

        while (true)
        {
            var group = _byStream.GetOrAdd(connection.StreamId, static _ => new ConcurrentDictionary<string, ChatConnection>(StringComparer.Ordinal));
            group[connection.ConnectionId] = connection;

            // A concurrent remove may have dropped the (then empty) group after we fetched it; retry then.
            if (_byStream.TryGetValue(connection.StreamId, out var current) && ReferenceEquals(current, group))
            {
                return Task.FromResult(true);
            }
        }
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

        if (_byStream.TryGetValue(removed.StreamId, out var group))
        {
            group.TryRemove(connectionId, out _);
            if (group.IsEmpty)
            {
                // Only removes the exact (empty) group instance; AddAsync re-checks and retries.
                _byStream.TryRemove(new KeyValuePair<string, ConcurrentDictionary<string, ChatConnection>>(removed.StreamId, group));
            }
        }

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
}
