using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace StreamChat.Core.Messages;

/// <summary>
/// The default <see cref="IMessageStore"/>: per stream, the newest
/// <see cref="StreamChatOptions.MaxMessagesPerStream"/> messages, each kept for
/// <see cref="StreamChatOptions.MessageTimeToLive"/>.
/// </summary>
internal sealed class InMemoryMessageStore : IMessageStore
{
    private readonly ConcurrentDictionary<string, StreamLog> _streams = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _timeToLive;
    private readonly int _capacity;

    public InMemoryMessageStore(IOptions<StreamChatOptions> options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _timeToLive = options.Value.MessageTimeToLive;
        _capacity = options.Value.MaxMessagesPerStream;
    }

    /// <inheritdoc />
    public Task AddAsync(ChatMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        cancellationToken.ThrowIfCancellationRequested();

        var cutoff = _timeProvider.GetUtcNow() - _timeToLive;
        while (true)
        {
            var log = _streams.GetOrAdd(message.StreamId, static _ => new StreamLog());
            lock (log)
            {
                // A log emptied and dropped by a reader is retired; fetch a fresh one.
                if (log.Retired)
                {
                    continue;
                }

                log.Prune(cutoff);
                log.Messages.Enqueue(message);
                while (log.Messages.Count > _capacity)
                {
                    log.Messages.Dequeue();
                }

                return Task.CompletedTask;
            }
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ChatMessage>> GetRecentAsync(string streamId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        cancellationToken.ThrowIfCancellationRequested();

        if (!_streams.TryGetValue(streamId, out var log))
        {
            return Task.FromResult<IReadOnlyList<ChatMessage>>([]);
        }

        var cutoff = _timeProvider.GetUtcNow() - _timeToLive;
        lock (log)
        {
            log.Prune(cutoff);
            if (log.Messages.Count == 0)
            {
                // Nothing left: drop the stream so idle streams do not hold memory.
                log.Retired = true;
                _streams.TryRemove(new KeyValuePair<string, StreamLog>(streamId, log));
                return Task.FromResult<IReadOnlyList<ChatMessage>>([]);
            }

            var skip = Math.Max(0, log.Messages.Count - limit);
            IReadOnlyList<ChatMessage> result = log.Messages.Skip(skip).ToArray();
            return Task.FromResult(result);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> DeleteAsync(string streamId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        ArgumentNullException.ThrowIfNull(messageIds);
        var wanted = messageIds.ToHashSet(StringComparer.Ordinal);
        return Task.FromResult<IReadOnlyList<string>>(Remove(streamId, m => wanted.Contains(m.MessageId), cancellationToken));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> DeleteByUserAsync(string streamId, string userId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        ArgumentNullException.ThrowIfNull(userId);
        return Task.FromResult<IReadOnlyList<string>>(Remove(streamId, m => string.Equals(m.UserId, userId, StringComparison.Ordinal), cancellationToken));
    }

    /// <inheritdoc />
    public Task ClearAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        Remove(streamId, static _ => true, cancellationToken);
        return Task.CompletedTask;
    }

    private List<string> Remove(string streamId, Func<ChatMessage, bool> match, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_streams.TryGetValue(streamId, out var log))
        {
            return [];
        }

        lock (log)
        {
            List<string> removed = [];
            var kept = new Queue<ChatMessage>(log.Messages.Count);
            foreach (var message in log.Messages)
            {
                if (match(message))
                {
                    removed.Add(message.MessageId);
                }
                else
                {
                    kept.Enqueue(message);
                }
            }

            if (removed.Count > 0)
            {
                log.Messages = kept;
            }

            return removed;
        }
    }

    private sealed class StreamLog
    {
        public Queue<ChatMessage> Messages { get; set; } = new();

        public bool Retired { get; set; }

        public void Prune(DateTimeOffset cutoff)
        {
            while (Messages.Count > 0 && Messages.Peek().SentAt <= cutoff)
            {
                Messages.Dequeue();
            }
        }
    }
}
