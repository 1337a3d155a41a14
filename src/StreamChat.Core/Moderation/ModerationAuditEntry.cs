using StreamChat.Core.Protocol;

namespace StreamChat.Core.Moderation;

/// <summary>One moderation decision for the audit trail.</summary>
/// <param name="Timestamp">When the decision was made.</param>
/// <param name="StreamId">The stream.</param>
/// <param name="UserId">The sender.</param>
/// <param name="ConnectionId">The sender's connection.</param>
/// <param name="MessageId">The message id (delivered messages keep it).</param>
/// <param name="Action">Allowed, blocked or redacted.</param>
/// <param name="Reason">The reason of a block or redaction, or <see langword="null"/> when allowed.</param>
/// <param name="Rule">The rule that fired, or <see langword="null"/> when allowed.</param>
/// <param name="Text">The raw text, only when <see cref="ModerationOptions.AuditIncludesText"/> is on.</param>
public sealed record ModerationAuditEntry(
    DateTimeOffset Timestamp,
    string StreamId,
    string UserId,
    string ConnectionId,
    string MessageId,
    ModerationAction Action,
    BlockReason? Reason,
    string? Rule,
    string? Text)
{
    /// <summary>Gets a value indicating whether the message was blocked.</summary>
    public bool Blocked => Action == ModerationAction.Blocked;
}
