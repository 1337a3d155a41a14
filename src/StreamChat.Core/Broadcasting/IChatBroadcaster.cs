namespace StreamChat.Core.Broadcasting;

/// <summary>
/// Delivers already-serialized frames to the connections of a stream, or to one connection.
/// </summary>
/// <remarks>
/// Implementations must be safe to call concurrently, must send the same bytes to every recipient
/// without copying them per recipient where the transport allows, and must never let one failing or
/// slow connection fail or delay the others: such connections are reported in
/// <see cref="BroadcastResult.GoneConnectionIds"/> and the caller removes them from the store.
/// The bytes passed in are immutable and may be kept until they are written.
/// Members added after the first version have default implementations: registering a local socket is refused,
/// and sending to a user or closing a connection say they are not supported, so older broadcasters keep compiling.
/// </remarks>
public interface IChatBroadcaster
{
    /// <summary>Sends <paramref name="frame"/> to every connection of a stream.</summary>
    /// <param name="streamId">The stream id.</param>
    /// <param name="frame">The UTF-8 JSON frame.</param>
    /// <param name="exceptConnectionId">A connection to leave out, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many connections the frame was handed to, and which were found gone.</returns>
    Task<BroadcastResult> SendToStreamAsync(string streamId, ReadOnlyMemory<byte> frame, string? exceptConnectionId = null, CancellationToken cancellationToken = default);

    /// <summary>Sends <paramref name="frame"/> to one connection.</summary>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="frame">The UTF-8 JSON frame.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome; a connection that can no longer be reached is reported gone.</returns>
    Task<BroadcastResult> SendToConnectionAsync(string connectionId, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default);

    /// <summary>Sends <paramref name="frame"/> to every connection of one user in a stream (all their tabs and devices).</summary>
    /// <param name="streamId">The stream id.</param>
    /// <param name="userId">The user id.</param>
    /// <param name="frame">The UTF-8 JSON frame.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>How many connections the frame was handed to, and which were found gone.</returns>
    /// <exception cref="NotSupportedException">The broadcaster cannot address users.</exception>
    Task<BroadcastResult> SendToUserAsync(string streamId, string userId, ReadOnlyMemory<byte> frame, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{GetType().Name} cannot send to one user's connections; implement IChatBroadcaster.SendToUserAsync.");

    /// <summary>
    /// Closes one connection: the frames already handed to it go first, then the close (code and reason where the
    /// transport carries them). The connection's disconnect then runs as for any close.
    /// </summary>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="closeCode">The WebSocket close code, e.g. 4003 for a ban (API Gateway cannot send one).</param>
    /// <param name="reason">A short reason.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> when the connection was found and is closing; <see langword="false"/> when it was already gone.</returns>
    /// <exception cref="NotSupportedException">The broadcaster cannot close connections.</exception>
    Task<bool> CloseConnectionAsync(string connectionId, int closeCode, string reason, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"{GetType().Name} cannot close connections; implement IChatBroadcaster.CloseConnectionAsync.");

    /// <summary>
    /// Registers a socket this process holds, so sends reach it; disposing the returned registration unregisters it.
    /// The host calls this once per socket after its handshake was accepted, and disposes the registration once when
    /// the socket closes, whatever the reason.
    /// </summary>
    /// <param name="connection">The socket.</param>
    /// <returns>The registration; disposing it twice is harmless.</returns>
    /// <remarks>
    /// A framework lifecycle callback: no token, because a registration, once begun, must finish or be undone by the
    /// host (as SignalR's <c>HubLifetimeManager.OnConnectedAsync</c>).
    /// </remarks>
    /// <exception cref="NotSupportedException">The broadcaster delivers through another service and holds no sockets.</exception>
    Task<IAsyncDisposable> RegisterAsync(ILocalChatConnection connection) =>
        throw new NotSupportedException($"{GetType().Name} does not deliver to sockets in this process; use a broadcaster that does, such as the one AddStreamChat() registers.");
}
