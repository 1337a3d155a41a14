using StreamChat.Core.Connections;

namespace StreamChat.Core.Pipeline;

/// <summary>A chat message that passed validation, on its way to moderation, the message store and the stream.</summary>
/// <param name="Connection">The sender's connection (its identity and stream).</param>
/// <param name="Text">The message text, trimmed and within the length limit.</param>
/// <param name="MessageId">The id the message will have if delivered.</param>
/// <param name="CancellationToken">Cancels the handling of the message.</param>
public sealed record ChatMessageContext(ChatConnection Connection, string Text, string MessageId, CancellationToken CancellationToken);
