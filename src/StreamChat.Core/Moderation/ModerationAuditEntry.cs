using StreamChat.Core.Protocol;

namespace StreamChat.Core.Moderation;

/// <summary>
/// One moderation decision for the audit trail: a moderator's verdict on a message, a block by a sanction or limit
/// (<c>muted</c>, <c>banned</c>, <c>slow_mode</c>, <c>rate_limited</c>), or a moderator's command (who in
/// <paramref name="UserId"/>, whom in <paramref name="TargetUserId"/>, what in <paramref name="Rule"/>, e.g. <c>command.ban</c>).
/// </summary>
/// <param name="Timestamp">When the decision was made.</param>
/// <param name="StreamId">The stream.</param>
/// <param name="UserId">The sender of the message or command.</param>
/// <param name="ConnectionId">The sender's connection.</param>
/// <param name="MessageId">The message id (delivered messages keep it); a command has an id of its own.</param>
/// <param name="Action">Allowed, blocked or redacted.</param>
/// <param name="Reason">The reason of a block or redaction, or <see langword="null"/> when allowed.</param>
/// <param name="Rule">The rule that fired, or <see langword="null"/> when allowed.</param>
/// <param name="Text">The raw text, only when <see cref="ModerationOptions.AuditIncludesText"/> is on; for a command, its arguments.</param>
/// <param name="TargetUserId">For a command, the user it was aimed at (<c>/ban alice</c>); otherwise <see langword="null"/>.</param>
public sealed record ModerationAuditEntry(
    DateTimeOffset Timestamp,
    string StreamId,
    string UserId,
    string ConnectionId,
    string MessageId,
    ModerationAction Action,
    BlockReason? Reason,
    string? Rule,
    string? Text,
    string? TargetUserId = null)
{
    /// <summary>Gets a value indicating whether the message was blocked.</summary>
    public bool Blocked => Action == ModerationAction.Blocked;
}
