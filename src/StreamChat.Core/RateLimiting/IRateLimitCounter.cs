namespace StreamChat.Core.RateLimiting;

/// <summary>
/// Counts permits per key in fixed windows: the first permit after a window closed opens the next one, which lasts
/// <c>window</c> and grants at most <c>permitLimit</c> permits. Per-user message limits, slow mode, <c>history</c>
/// limits and the handshake rate per address all count through it.
/// </summary>
/// <remarks>
/// Implementations must be safe to call concurrently and exact under concurrency: two instances sharing a backend
/// never grant more than the limit between them (the DynamoDB counter uses conditional updates). The default counts in
/// process memory, for one node; <c>AddDynamoDbStores()</c> (StreamChat.Aws) counts in DynamoDB, so a limit holds
/// across Lambda instances.
/// </remarks>
public interface IRateLimitCounter
{
    /// <summary>Takes one permit for <paramref name="key"/>, if its window has one left.</summary>
    /// <param name="key">What is counted, e.g. <c>msg|stream|user</c>; at most 512 characters.</param>
    /// <param name="permitLimit">The permits per window; at least 1.</param>
    /// <param name="window">The window length; at least one millisecond.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether the permit was granted, and if not, how long until the window closes.</returns>
    ValueTask<RateLimitDecision> TryAcquireAsync(string key, int permitLimit, TimeSpan window, CancellationToken cancellationToken = default);
}
