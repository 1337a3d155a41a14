namespace StreamChat.Core.Moderation;

/// <summary>Receives every moderation decision, for the audit trail moderators review.</summary>
/// <remarks>
/// Implementations must be safe to call concurrently and should not throw: the pipeline logs a
/// failing sink and goes on, so a broken audit store never stops the chat.
/// </remarks>
public interface IModerationAuditSink
{
    /// <summary>Records one decision.</summary>
    /// <param name="entry">The decision and its context.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the entry is recorded.</returns>
    ValueTask WriteAsync(ModerationAuditEntry entry, CancellationToken cancellationToken = default);
}
