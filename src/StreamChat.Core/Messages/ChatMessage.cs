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
}
