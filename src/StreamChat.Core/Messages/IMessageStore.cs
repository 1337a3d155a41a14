namespace StreamChat.Core.Messages;

/// <summary>
/// Keeps the recent messages of each stream for a time-to-live, for <c>history</c>, replies and recovery after a
/// reconnect; deleted messages leave a tombstone for as long as the message would have been kept.
/// </summary>
/// <remarks>
/// Implementations must be safe to call concurrently. Readers never return expired or deleted messages,
/// even where the backend deletes them late.
/// </remarks>
public interface IMessageStore
{
    /// <summary>Stores a message. The pipeline calls this before the message is broadcast.</summary>
    /// <param name="message">The message.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the message is durable in this store.</returns>
    Task AddAsync(ChatMessage message, CancellationToken cancellationToken = default);

    /// <summary>Returns up to <paramref name="limit"/> of the newest unexpired messages of a stream, oldest first.</summary>
    /// <param name="streamId">The stream id.</param>
    /// <param name="limit">The largest number of messages to return; at least 1.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The messages, oldest first, with their reaction counts, <see cref="ChatMessage.Hidden"/> ones included (the caller shows them to their author only).</returns>
    Task<IReadOnlyList<ChatMessage>> GetRecentAsync(string streamId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Returns one unexpired, undeleted message of a stream (the parent of a reply), or <see langword="null"/>.</summary>
    /// <param name="streamId">The stream id.</param>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The message, or <see langword="null"/> when the stream's history does not hold it.</returns>
    Task<ChatMessage?> FindAsync(string streamId, string messageId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns what a client missed since the message it last saw: the messages after <paramref name="messageId"/>
    /// and the tombstones of messages up to it deleted after it was sent (recovery after a reconnect).
    /// </summary>
    /// <param name="streamId">The stream id.</param>
    /// <param name="messageId">The last message id the client saw.</param>
    /// <param name="limit">The most messages to replay; a longer gap is <see cref="MessageReplay.IsComplete">incomplete</see>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The replay.</returns>
    Task<MessageReplay> GetSinceAsync(string streamId, string messageId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Deletes messages of a stream by id (<c>/delete</c>), leaving tombstones; ids the store does not hold are ignored.</summary>
    /// <param name="streamId">The stream id.</param>
    /// <param name="messageIds">The message ids.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The ids that were held and are now deleted.</returns>
    Task<IReadOnlyList<string>> DeleteAsync(string streamId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default);

    /// <summary>Deletes every stored message of one user in a stream (what a ban or time-out clears), leaving tombstones.</summary>
    /// <param name="streamId">The stream id.</param>
    /// <param name="userId">The author.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The ids of the deleted messages, oldest first.</returns>
    Task<IReadOnlyList<string>> DeleteByUserAsync(string streamId, string userId, CancellationToken cancellationToken = default);

    /// <summary>Deletes every stored message of a stream (<c>/clear</c>), leaving tombstones.</summary>
    /// <param name="streamId">The stream id.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when <see cref="GetRecentAsync"/> returns nothing older than the call.</returns>
    Task ClearAsync(string streamId, CancellationToken cancellationToken = default);
}
