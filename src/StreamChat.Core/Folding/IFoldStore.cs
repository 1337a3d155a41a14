namespace StreamChat.Core.Folding;

/// <summary>
/// Folds frequent updates of a stream (reactions, presence) into one frame per interval, across every process that
/// serves the stream: it records what changed since the last flush and lets exactly one caller claim the next flush.
/// </summary>
/// <remarks>
/// The pipeline marks after it stored a change, and the flusher takes before it reads the changed state, so every
/// change is either in the flush taken after it or claims the next one. Implementations must make each call atomic.
/// </remarks>
public interface IFoldStore
{
    /// <summary>Records that <paramref name="item"/> changed and claims the next flush when nobody holds it.</summary>
    /// <param name="streamId">The stream id.</param>
    /// <param name="channel">What is folded, e.g. <c>reactions</c> or <c>presence</c>.</param>
    /// <param name="item">What changed, e.g. a message id.</param>
    /// <param name="claimTimeout">How long a claim is held at most; a claim older than this (its holder died) is taken over.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>Whether the caller now holds the claim, and when the last flush was taken.</returns>
    Task<FoldClaim> MarkAsync(string streamId, string channel, string item, TimeSpan claimTimeout, CancellationToken cancellationToken = default);

    /// <summary>Takes the items changed since the last flush, releases the claim and records the flush time.</summary>
    /// <param name="streamId">The stream id.</param>
    /// <param name="channel">What is folded.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The changed items, in no particular order.</returns>
    Task<IReadOnlyList<string>> TakeAsync(string streamId, string channel, CancellationToken cancellationToken = default);
}

/// <summary>The outcome of <see cref="IFoldStore.MarkAsync"/>.</summary>
/// <param name="Claimed"><see langword="true"/> when the caller must flush (after the interval since <paramref name="LastFlushedAt"/>).</param>
/// <param name="LastFlushedAt">When the last flush was taken, or <see langword="null"/> for none recently.</param>
public readonly record struct FoldClaim(bool Claimed, DateTimeOffset? LastFlushedAt);
