namespace StreamChat.Core.Messages;

/// <summary>
/// Keeps reactions with the messages of <see cref="IMessageStore"/>: one per user per emoji per message, counted.
/// The message store's reads carry the counts (<see cref="ChatMessage.Reactions"/>).
/// </summary>
/// <remarks>Implementations must be safe to call concurrently; backends implement it on the same records as their message store.</remarks>
public interface IReactionStore
{
    /// <summary>Adds or removes one user's reaction with one emoji to a message.</summary>
    /// <param name="streamId">The stream id.</param>
    /// <param name="messageId">The message id.</param>
    /// <param name="userId">The reacting user.</param>
    /// <param name="emoji">The emoji.</param>
    /// <param name="present"><see langword="true"/> to react, <see langword="false"/> to take the reaction back.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether the message was found and the reaction changed.</returns>
    Task<ReactionChange> SetReactionAsync(string streamId, string messageId, string userId, string emoji, bool present, CancellationToken cancellationToken = default);

    /// <summary>Returns the reaction counts of messages; unknown, expired and deleted ones are left out.</summary>
    /// <param name="streamId">The stream id.</param>
    /// <param name="messageIds">The message ids.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The counts of each message found, emoji with no reaction left out.</returns>
    Task<IReadOnlyList<MessageReactions>> GetReactionsAsync(string streamId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default);
}

/// <summary>The outcome of <see cref="IReactionStore.SetReactionAsync"/>.</summary>
public enum ReactionChange
{
    /// <summary>The stream's history holds no such message (unknown, expired or deleted).</summary>
    MessageNotFound,

    /// <summary>The reaction was already as asked (a second react, or an unreact of nothing).</summary>
    Unchanged,

    /// <summary>The reaction was added or removed.</summary>
    Changed,
}

/// <summary>One message's reaction counts.</summary>
/// <param name="MessageId">The message id.</param>
/// <param name="Counts">The count of each emoji with at least one reaction.</param>
public sealed record MessageReactions(string MessageId, IReadOnlyDictionary<string, int> Counts);
