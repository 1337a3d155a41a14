using StreamChat.Core.Connections;
using StreamChat.Core.Identity;
using StreamChat.Core.Sanctions;

namespace StreamChat.Core.Pipeline;

/// <summary>A chat message that passed validation, on its way to moderation, the message store and the stream.</summary>
/// <param name="Connection">The sender's connection (its identity and stream).</param>
/// <param name="Text">The message text, trimmed and within the length limit.</param>
/// <param name="MessageId">The id the message will have if delivered.</param>
/// <param name="CancellationToken">Cancels the handling of the message.</param>
public sealed record ChatMessageContext(ChatConnection Connection, string Text, string MessageId, CancellationToken CancellationToken)
{
    /// <summary>
    /// Gets the sender's standing in the stream (sanctions, granted moderator, slow mode), read once by the authorize
    /// slot and passed on with <c>with</c>, so later policies and the publisher do not read it again.
    /// </summary>
    public ChatStanding Standing { get; init; } = ChatStanding.None;

    /// <summary>Gets the message this one replies to, checked to be in the stream's history; <see langword="null"/> for no reply.</summary>
    public StreamChat.Core.Messages.MessageReference? ReplyTo { get; init; }

    /// <summary>Gets the sender's role in the stream: the identity's, raised to moderator by a <c>/mod</c> grant.</summary>
    public ChatRole Role => Standing.IsGrantedModerator && Connection.Role < ChatRole.Moderator ? ChatRole.Moderator : Connection.Role;
}
