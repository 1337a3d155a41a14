namespace StreamChat.Core.Folding.Internal;

/// <summary>
/// Folds a stream's frequent updates into at most one flush per interval, across processes (<see cref="IFoldStore"/>):
/// the caller that claims the flush runs it, as deferred work, once the interval since the last flush has passed.
/// </summary>
internal sealed class StreamFolder
{
    private readonly IFoldStore _store;
    private readonly ChatDeferredWork _deferred;
    private readonly TimeProvider _timeProvider;

    public StreamFolder(IFoldStore store, ChatDeferredWork deferred, TimeProvider timeProvider)
    {
        _store = store;
        _deferred = deferred;
        _timeProvider = timeProvider;
    }

    /// <summary>Waits until no folded flush is pending (see <see cref="ChatDeferredWork.WhenIdleAsync"/>).</summary>
    public Task WhenIdleAsync(CancellationToken cancellationToken) => _deferred.WhenIdleAsync(cancellationToken);

    /// <summary>
    /// Notes that <paramref name="item"/> changed; when this call claims the flush, <paramref name="flush"/> runs with
    /// every item changed until it starts, no sooner than <paramref name="interval"/> after the last flush and
    /// <paramref name="settle"/> after now.
    /// </summary>
    public async ValueTask NoteAsync(
        string streamId,
        string channel,
        string item,
        TimeSpan interval,
        TimeSpan settle,
        Func<string, IReadOnlyList<string>, CancellationToken, Task> flush,
        CancellationToken cancellationToken)
    {
        // A holder that died frees the claim after this long; a live one flushes well within it.
        var claimTimeout = (interval * 2) + TimeSpan.FromSeconds(10);
        var claim = await _store.MarkAsync(streamId, channel, item, claimTimeout, cancellationToken).ConfigureAwait(false);
        if (!claim.Claimed)
        {
            return;
        }

        var now = _timeProvider.GetUtcNow();
        var due = now + settle;
        if (claim.LastFlushedAt is { } last && last + interval > due)
        {
            due = last + interval;
        }

        var wait = due - now;
        _deferred.Run(channel + " flush", async stopping =>
        {
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _timeProvider, stopping).ConfigureAwait(false);
            }

            // Take first, then read the state: a change stored after the take claims the next flush.
            var items = await _store.TakeAsync(streamId, channel, stopping).ConfigureAwait(false);
            if (items.Count > 0)
            {
                await flush(streamId, items, stopping).ConfigureAwait(false);
            }
        });
    }
}
