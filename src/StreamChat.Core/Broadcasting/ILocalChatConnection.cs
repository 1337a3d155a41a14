namespace StreamChat.Core.Broadcasting;

/// <summary>
/// A socket this process holds (a Kestrel WebSocket): what a broadcaster needs to deliver to it and close it. Hosts
/// that own sockets register them with <see cref="IChatBroadcaster.RegisterAsync"/>; hosts whose sockets live
/// elsewhere (API Gateway) never do.
/// </summary>
/// <remarks>Implementations must be safe to call from any thread, and must never wait on the socket.</remarks>
public interface ILocalChatConnection
{
    /// <summary>Gets the connection id (the one in the connection store).</summary>
    string ConnectionId { get; }

    /// <summary>Gets the stream the connection belongs to.</summary>
    string StreamId { get; }

    /// <summary>Gets the user the connection speaks as.</summary>
    string UserId { get; }

    /// <summary>Queues a frame without waiting; <see langword="false"/> when the connection is closing or cannot keep up (it is then gone).</summary>
    /// <param name="frame">The UTF-8 JSON frame; shared by every recipient and never changed.</param>
    /// <returns><see langword="true"/> when the frame was queued.</returns>
    bool TrySend(ReadOnlyMemory<byte> frame);

    /// <summary>Starts closing the connection after the frames already queued, with a close code and reason; never waits.</summary>
    /// <param name="closeCode">The WebSocket close code, e.g. 1000, or 4003 for a ban.</param>
    /// <param name="reason">A short reason for the close frame (at most 123 UTF-8 bytes).</param>
    /// <returns><see langword="true"/> when this call started the close; <see langword="false"/> when the connection was closing or gone already.</returns>
    bool Close(int closeCode, string reason);
}
