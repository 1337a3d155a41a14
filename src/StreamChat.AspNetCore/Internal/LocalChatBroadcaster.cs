using StreamChat.AspNetCore.Connections;
using StreamChat.Core.Broadcasting;

namespace StreamChat.AspNetCore.Internal;

/// <summary>
/// The ASP.NET Core host's broadcaster: hands the same bytes to every local socket of a stream by queueing them, never
/// waiting on a socket. It owns the sockets' registration, in the shared <see cref="LocalConnectionRegistry"/>.
/// </summary>
internal sealed class LocalChatBroadcaster : IChatBroadcaster
{
    private readonly LocalConnectionRegistry _registry;

    public LocalChatBroadcaster(LocalConnectionRegistry registry) => _registry = registry;

    /// <inheritdoc />
    public Task<BroadcastResult> SendToStreamAsync(string streamId, ReadOnlyMemory<byte> frame, string? exceptConnectionId = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        var delivered = 0;
        List<string>? gone = null;
        foreach (var connection in _registry.GetStream(streamId))
        {
            if (exceptConnectionId is not null && string.Equals(connection.ConnectionId, exceptConnectionId, StringComparison.Ordinal))
            {
                continue;
            }

            Deliver(connection, frame, ref delivered, ref gone);
        }

        return Task.FromResult(new BroadcastResult(delivered, gone));
    }

    /// <inheritdoc />
    public Task<BroadcastResult> SendToConnectionAsync(string connectionId, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        return Task.FromResult(_registry.Find(connectionId)?.TrySend(frame) == true ? new BroadcastResult(1) : new BroadcastResult(0, [connectionId]));
    }

    /// <inheritdoc />
    public Task<BroadcastResult> SendToUserAsync(string streamId, string userId, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        ArgumentNullException.ThrowIfNull(userId);
        var delivered = 0;
        List<string>? gone = null;
        foreach (var connection in _registry.GetStream(streamId))
        {
            if (string.Equals(connection.UserId, userId, StringComparison.Ordinal))
            {
                Deliver(connection, frame, ref delivered, ref gone);
            }
        }

        return Task.FromResult(new BroadcastResult(delivered, gone));
    }

    /// <inheritdoc />
    public Task<bool> CloseConnectionAsync(string connectionId, int closeCode, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionId);
        ArgumentNullException.ThrowIfNull(reason);
        return Task.FromResult(_registry.Find(connectionId)?.Close(closeCode, reason) == true);
    }

    /// <inheritdoc />
    public Task<IAsyncDisposable> RegisterAsync(ILocalChatConnection connection)
    {
        _registry.Add(connection);
        return Task.FromResult<IAsyncDisposable>(new Registration(_registry, connection));
    }

    private static void Deliver(ILocalChatConnection connection, ReadOnlyMemory<byte> frame, ref int delivered, ref List<string>? gone)
    {
        if (connection.TrySend(frame))
        {
            delivered++;
        }
        else
        {
            (gone ??= []).Add(connection.ConnectionId);
        }
    }

    private sealed class Registration(LocalConnectionRegistry registry, ILocalChatConnection connection) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            registry.Remove(connection);
            return ValueTask.CompletedTask;
        }
    }
}
