namespace StreamChat.Core.Connections;

/// <summary>
/// Keeps one connection's frames in the order its client numbered them (<c>seq</c>: 1, 2, 3, … per connection), on
/// hosts that may handle a connection's frames concurrently. API Gateway invokes Lambda for a connection's messages
/// without waiting for the previous invocation, and Lambda runs them in as many sandboxes as it likes, so there a
/// frame waits until the frames numbered before it were handled (or until
/// <see cref="StreamChatOptions.MaxFrameOrderWait"/> passes, when a predecessor never came).
/// </summary>
/// <remarks>
/// The ASP.NET Core host reads a connection's frames one at a time, so its default sequencer lets every frame through
/// at once. Implementations must be safe to call concurrently, for the same connection too, and from many processes
/// where the host runs in many (DynamoDB keeps the Lambda host's).
/// </remarks>
public interface IFrameSequencer
{
    /// <summary>Waits until every frame numbered below <paramref name="sequence"/> on the connection was handled, or the wait bound passed.</summary>
    /// <param name="connectionId">The connection.</param>
    /// <param name="sequence">The frame's number, 1 or more.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns><see langword="true"/> when the frame's turn came; <see langword="false"/> when the wait bound passed first.</returns>
    ValueTask<bool> WaitForTurnAsync(string connectionId, long sequence, CancellationToken cancellationToken = default);

    /// <summary>Records that the frame numbered <paramref name="sequence"/> was handled, so the next one may go.</summary>
    /// <param name="connectionId">The connection.</param>
    /// <param name="sequence">The frame's number.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the next frame can see it.</returns>
    ValueTask CompleteAsync(string connectionId, long sequence, CancellationToken cancellationToken = default);
}
