namespace StreamChat.Core.Moderation;

/// <summary>Reads the audit trail back, so moderators can review what was blocked, redacted or allowed.</summary>
/// <remarks>Implementations must be safe to call concurrently.</remarks>
public interface IModerationAuditReader
{
    /// <summary>Returns a stream's decisions made from <paramref name="since"/> (inclusive) until <paramref name="until"/> (exclusive), oldest first.</summary>
    /// <param name="streamId">The stream id.</param>
    /// <param name="since">The start of the time range.</param>
    /// <param name="until">The end of the time range.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The decisions, oldest first.</returns>
    IAsyncEnumerable<ModerationAuditEntry> ReadAsync(string streamId, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default);
}
