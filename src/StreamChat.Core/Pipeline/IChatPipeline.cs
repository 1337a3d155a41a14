namespace StreamChat.Core.Pipeline;

/// <summary>
/// The host-agnostic chat pipeline. Hosts translate their transport into these calls and nothing else:
/// validate, authorize, limit, moderate, store and broadcast all happen here.
/// </summary>
/// <remarks>
/// Safe to call concurrently for different connections. For one connection, a host calls
/// <see cref="MessageAsync"/> for one frame at a time, in the order the frames arrived, so that one
/// sender's messages keep their order.
/// </remarks>
public interface IChatPipeline
{
    /// <summary>
    /// Validates and stores a new connection and tells the stream who joined. A refused connection is
    /// not stored and gets the HTTP status the host should answer the handshake with.
    /// </summary>
    /// <param name="request">The connection id and the identity the host resolved.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Accepted, or refused with a status code and reason.</returns>
    ValueTask<ConnectResult> ConnectAsync(ConnectRequest request, CancellationToken cancellationToken = default);

    /// <summary>Sends a <c>welcome</c> frame to a connection (at open on hosts that can, and for every <c>hello</c>).</summary>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the frame is handed to the broadcaster.</returns>
    ValueTask WelcomeAsync(string connectionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Handles one client frame. Errors and blocks are answered to the sender; nothing here throws
    /// for bad input. A host that stopped reading an oversized frame passes at least
    /// <see cref="StreamChatOptions.MaxFrameBytes"/> + 1 bytes of it, so it is refused with <c>frame_too_large</c>.
    /// </summary>
    /// <param name="connectionId">The connection the frame came from.</param>
    /// <param name="utf8Frame">The frame's UTF-8 bytes.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the frame is handled.</returns>
    ValueTask MessageAsync(string connectionId, ReadOnlyMemory<byte> utf8Frame, CancellationToken cancellationToken = default);

    /// <summary>
    /// Answers a binary frame. The protocol is text only, so the sender gets <c>error</c> <c>binary_frame</c> whatever the
    /// frame held, nobody else sees anything, and the connection stays open. A host that can tell binary frames from
    /// text ones (a WebSocket opcode, API Gateway's <c>isBase64Encoded</c>) calls this instead of <see cref="MessageAsync"/>.
    /// </summary>
    /// <param name="connectionId">The connection the frame came from.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the answer is handed to the broadcaster.</returns>
    ValueTask BinaryFrameAsync(string connectionId, CancellationToken cancellationToken = default);

    /// <summary>Removes a connection and tells the stream who left. Unknown connections are ignored.</summary>
    /// <param name="connectionId">The connection id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the connection is removed.</returns>
    ValueTask DisconnectAsync(string connectionId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Waits for the work the pipeline deferred: folded frames (reaction counts, viewer counts) due within one fold
    /// interval. A host whose process may freeze between requests (Lambda) calls it before it ends an invocation; a
    /// long-lived host need not.
    /// </summary>
    /// <param name="cancellationToken">Stops waiting; the work goes on.</param>
    /// <returns>A task that completes when no deferred work is left.</returns>
    Task CompleteDeferredWorkAsync(CancellationToken cancellationToken = default);
}
