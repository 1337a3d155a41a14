namespace StreamChat.Core.Moderation;

/// <summary>A message to moderate, with who sent it where.</summary>
/// <param name="Text">The message text, trimmed.</param>
/// <param name="StreamId">The stream the message is for.</param>
/// <param name="UserId">The sender's user id.</param>
/// <param name="ConnectionId">The sender's connection id.</param>
/// <param name="MessageId">The id the message will have if delivered.</param>
public sealed record ModerationContext(
    string Text,
    string StreamId,
    string UserId,
    string ConnectionId,
    string MessageId)
{
    /// <summary>
    /// Gets the recipient of a private message (<c>whisper</c>), or <see langword="null"/> for chat. The audit trail
    /// records a private message's metadata only, never its text.
    /// </summary>
    public string? RecipientUserId { get; init; }
}
