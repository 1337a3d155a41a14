namespace StreamChat.Core.Messages;

/// <summary>A delivered chat message, as stored for history.</summary>
/// <param name="MessageId">Unique within the stream and sortable by time (a ULID).</param>
/// <param name="StreamId">The stream the message was sent to.</param>
/// <param name="UserId">The sender's user id, taken from the connection.</param>
/// <param name="Username">The sender's display name, taken from the connection.</param>
/// <param name="Text">The message text, trimmed.</param>
/// <param name="SentAt">When the server accepted the message.</param>
public sealed record ChatMessage(
    string MessageId,
    string StreamId,
    string UserId,
    string Username,
    string Text,
    DateTimeOffset SentAt)
{
    /// <summary>
    /// Gets a value indicating whether the message is hidden: sent while its author was shadow banned, so only the
    /// author's own connections see it, live and in <c>history</c>.
    /// </summary>
    public bool Hidden { get; init; }

    /// <summary>Gets the message this one replies to, as it was when the reply was sent; <see langword="null"/> for no reply.</summary>
    public MessageReference? ReplyTo { get; init; }

    /// <summary>
    /// Gets the reaction counts by emoji, as a store read them (absent emoji have no reactions); <see langword="null"/>
    /// when there are none. Stores fill it on reads; it is ignored by <see cref="IMessageStore.AddAsync"/>.
    /// </summary>
    public IReadOnlyDictionary<string, int>? Reactions { get; init; }
}

/// <summary>The parent of a reply: enough for a client to render it without a lookup.</summary>
/// <param name="MessageId">The parent's id.</param>
/// <param name="UserId">The parent's author.</param>
/// <param name="Username">The parent author's display name.</param>
/// <param name="Quote">The start of the parent's text (at most 100 characters, then an ellipsis).</param>
public sealed record MessageReference(string MessageId, string UserId, string Username, string Quote);

/// <summary>A message deleted from history (<c>/delete</c>, a ban or time-out, <c>/clear</c>), kept so reconnecting clients retract it.</summary>
/// <param name="MessageId">The deleted message's id.</param>
/// <param name="DeletedAt">When it was deleted.</param>
public readonly record struct MessageTombstone(string MessageId, DateTimeOffset DeletedAt);

/// <summary>What a client that last saw one message missed: the messages after it and the deletions since it was sent.</summary>
/// <param name="IsComplete">
/// <see langword="true"/> when the store still holds the message the client last saw (or its tombstone) and at most the
/// asked number of messages followed it; otherwise the gap cannot be replayed and the client should reload history.
/// </param>
/// <param name="Messages">The messages after it, oldest first, hidden ones included (the caller filters); empty when incomplete.</param>
/// <param name="Tombstones">The messages up to and including it that were deleted after it was sent, in deletion order; empty when incomplete.</param>
public sealed record MessageReplay(bool IsComplete, IReadOnlyList<ChatMessage> Messages, IReadOnlyList<MessageTombstone> Tombstones)
{
    /// <summary>Gets the answer for a gap that cannot be replayed.</summary>
    public static MessageReplay Incomplete { get; } = new(false, [], []);
}
