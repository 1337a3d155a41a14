using System.Collections.Concurrent;

namespace StreamChat.Core.Folding;

/// <summary>The default <see cref="IFoldStore"/>: one process serves every stream, so a lock per stream and channel is enough.</summary>
internal sealed class InMemoryFoldStore : IFoldStore
{
    private readonly ConcurrentDictionary<(string Stream, string Channel), Fold> _folds = new();
    private readonly TimeProvider _timeProvider;

    public InMemoryFoldStore(TimeProvider timeProvider) => _timeProvider = timeProvider;

    /// <inheritdoc />
    public Task<FoldClaim> MarkAsync(string streamId, string channel, string item, TimeSpan claimTimeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        ArgumentNullException.ThrowIfNull(channel);
        ArgumentNullException.ThrowIfNull(item);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetUtcNow();
        var fold = _folds.GetOrAdd((streamId, channel), static _ => new Fold());
        lock (fold)
        {
            fold.Items.Add(item);
            var claimed = fold.ClaimedAt is not { } at || now - at >= claimTimeout;
            if (claimed)
            {
                fold.ClaimedAt = now;
            }

            return Task.FromResult(new FoldClaim(claimed, fold.FlushedAt));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> TakeAsync(string streamId, string channel, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        ArgumentNullException.ThrowIfNull(channel);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_folds.TryGetValue((streamId, channel), out var fold))
        {
            return Task.FromResult<IReadOnlyList<string>>([]);
        }

        lock (fold)
        {
            IReadOnlyList<string> items = [.. fold.Items];
            fold.Items.Clear();
            fold.ClaimedAt = null;
            fold.FlushedAt = _timeProvider.GetUtcNow();
            return Task.FromResult(items);
        }
    }

    private sealed class Fold
    {
        public HashSet<string> Items { get; } = new(StringComparer.Ordinal);

        public DateTimeOffset? ClaimedAt { get; set; }

        public DateTimeOffset? FlushedAt { get; set; }
    }
}
