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
}
