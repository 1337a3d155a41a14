namespace StreamChat.Core.Connections;

/// <summary>
/// Knows who is connected, to which stream, and as whom: presence, counts and lookup.
/// </summary>
/// <remarks>
/// Implementations must be safe to call concurrently from any thread. All members are
/// idempotent where the protocol needs it: adding an existing connection id returns
/// <see langword="false"/>, removing an unknown one returns <see langword="null"/>.
/// </remarks>
public interface IConnectionStore
{
    /// <summary>Adds a connection. Returns <see langword="false"/> if one with the same id exists.</summary>
    /// <param name="connection">The connection to add.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when the connection was added.</returns>
    Task<bool> AddAsync(ChatConnection connection, CancellationToken cancellationToken = default);

    /// <summary>Removes a connection and returns what was stored, or <see langword="null"/> if it was unknown.</summary>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The removed connection, or <see langword="null"/>.</returns>
    Task<ChatConnection?> RemoveAsync(string connectionId, CancellationToken cancellationToken = default);

    /// <summary>Looks up a connection by id.</summary>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The connection, or <see langword="null"/> if it is unknown.</returns>
    Task<ChatConnection?> GetAsync(string connectionId, CancellationToken cancellationToken = default);

    /// <summary>Returns every connection of a stream, in no particular order.</summary>
    /// <param name="streamId">The stream id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A snapshot of the stream's connections.</returns>
    Task<IReadOnlyList<ChatConnection>> GetByStreamAsync(string streamId, CancellationToken cancellationToken = default);

    /// <summary>Counts the connections of a stream.</summary>
    /// <param name="streamId">The stream id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The number of connections.</returns>
    Task<int> CountAsync(string streamId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the ids of a stream's connections: all a broadcast needs. Stores that can read ids more
    /// cheaply than whole connections (a DynamoDB index projecting only keys) override this.
    /// </summary>
    /// <param name="streamId">The stream id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A snapshot of the stream's connection ids.</returns>
    async Task<IReadOnlyList<string>> GetConnectionIdsAsync(string streamId, CancellationToken cancellationToken = default)
    {
        var connections = await GetByStreamAsync(streamId, cancellationToken).ConfigureAwait(false);
        var ids = new string[connections.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = connections[i].ConnectionId;
        }

        return ids;
    }

    /// <summary>
    /// Returns one user's connections in a stream (all their tabs and devices): for the per-user connection limit, for
    /// closing a banned user's sockets and for sending to one user. The default filters
    /// <see cref="GetByStreamAsync"/>; stores with a user index (DynamoDB) override it.
    /// </summary>
    /// <param name="streamId">The stream id.</param>
    /// <param name="userId">The user id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A snapshot of the user's connections in the stream.</returns>
    async Task<IReadOnlyList<ChatConnection>> GetByUserAsync(string streamId, string userId, CancellationToken cancellationToken = default)
    {
        var connections = await GetByStreamAsync(streamId, cancellationToken).ConfigureAwait(false);
        return connections.Where(c => string.Equals(c.UserId, userId, StringComparison.Ordinal)).ToArray();
    }
}
