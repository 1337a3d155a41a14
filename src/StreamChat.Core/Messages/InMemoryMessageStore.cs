using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace StreamChat.Core.Messages;

/// <summary>
/// The default <see cref="IMessageStore"/> and <see cref="IReactionStore"/>: per stream, the newest
/// <see cref="StreamChatOptions.MaxMessagesPerStream"/> messages, each kept for
/// <see cref="StreamChatOptions.MessageTimeToLive"/>, with their reactions and the tombstones of deleted ones.
/// </summary>
internal sealed class InMemoryMessageStore : IMessageStore, IReactionStore
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

        var cutoff = Cutoff();
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
                log.Add(new Entry(message with { Reactions = null }), _capacity);
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

        return Task.FromResult(Read(streamId, log =>
        {
            var live = log.Live().ToList();
            IReadOnlyList<ChatMessage> result = live.Skip(Math.Max(0, live.Count - limit)).Select(static e => e.Snapshot()).ToArray();
            return result;
        }, []));
    }

    /// <inheritdoc />
    public Task<ChatMessage?> FindAsync(string streamId, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        ArgumentNullException.ThrowIfNull(messageId);
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Read(streamId, log => log.Find(messageId) is { DeletedAt: null } entry ? entry.Snapshot() : null, null));
    }

    /// <inheritdoc />
    public Task<MessageReplay> GetSinceAsync(string streamId, string messageId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        cancellationToken.ThrowIfCancellationRequested();

        return Task.FromResult(Read(streamId, log =>
        {
            if (log.Find(messageId) is not { } seen)
            {
                return MessageReplay.Incomplete;
            }

            var after = log.Live().Where(e => string.CompareOrdinal(e.Message.MessageId, messageId) > 0).ToList();
            if (after.Count > limit)
            {
                return MessageReplay.Incomplete;
            }

            var sentAt = seen.Message.SentAt;
            var tombstones = log.Entries
                .Where(e => e.DeletedAt is { } at && at >= sentAt && string.CompareOrdinal(e.Message.MessageId, messageId) <= 0)
                .OrderBy(static e => e.DeletedAt)
                .ThenBy(static e => e.Message.MessageId, StringComparer.Ordinal)
                .Select(static e => new MessageTombstone(e.Message.MessageId, e.DeletedAt!.Value))
                .ToArray();
            return new MessageReplay(true, after.OrderBy(static e => e.Message.MessageId, StringComparer.Ordinal).Select(static e => e.Snapshot()).ToArray(), tombstones);
        }, MessageReplay.Incomplete));
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

    /// <inheritdoc />
    public Task<ReactionChange> SetReactionAsync(string streamId, string messageId, string userId, string emoji, bool present, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(userId);
        ArgumentException.ThrowIfNullOrEmpty(emoji);
        cancellationToken.ThrowIfCancellationRequested();

        return Task.FromResult(Read(streamId, log =>
        {
            if (log.Find(messageId) is not { DeletedAt: null } entry)
            {
                return ReactionChange.MessageNotFound;
            }

            entry.Reactions ??= new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            if (present)
            {
                if (!entry.Reactions.TryGetValue(emoji, out var users))
                {
                    entry.Reactions[emoji] = users = new HashSet<string>(StringComparer.Ordinal);
                }

                return users.Add(userId) ? ReactionChange.Changed : ReactionChange.Unchanged;
            }

            if (entry.Reactions.TryGetValue(emoji, out var reacted) && reacted.Remove(userId))
            {
                if (reacted.Count == 0)
                {
                    entry.Reactions.Remove(emoji);
                }

                return ReactionChange.Changed;
            }

            return ReactionChange.Unchanged;
        }, ReactionChange.MessageNotFound));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MessageReactions>> GetReactionsAsync(string streamId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        ArgumentNullException.ThrowIfNull(messageIds);
        cancellationToken.ThrowIfCancellationRequested();

        return Task.FromResult(Read(streamId, log =>
        {
            var result = new List<MessageReactions>(messageIds.Count);
            foreach (var id in messageIds)
            {
                if (log.Find(id) is { DeletedAt: null } entry)
                {
                    result.Add(new MessageReactions(id, entry.Counts() ?? new Dictionary<string, int>(StringComparer.Ordinal)));
                }
            }

            IReadOnlyList<MessageReactions> list = result;
            return list;
        }, []));
    }

    private DateTimeOffset Cutoff() => _timeProvider.GetUtcNow() - _timeToLive;

    /// <summary>Runs <paramref name="read"/> on a stream's pruned log under its lock; an emptied log is dropped.</summary>
    private T Read<T>(string streamId, Func<StreamLog, T> read, T none)
    {
        if (!_streams.TryGetValue(streamId, out var log))
        {
            return none;
        }

        var cutoff = Cutoff();
        lock (log)
        {
            log.Prune(cutoff);
            if (log.Entries.Count == 0)
            {
                // Nothing left: drop the stream so idle streams do not hold memory.
                log.Retired = true;
                _streams.TryRemove(new KeyValuePair<string, StreamLog>(streamId, log));
                return none;
            }

            return read(log);
        }
    }

    private List<string> Remove(string streamId, Func<ChatMessage, bool> match, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetUtcNow();
        return Read(streamId, log =>
        {
            List<string> removed = [];
            foreach (var entry in log.Entries)
            {
                if (entry.DeletedAt is null && match(entry.Message))
                {
                    entry.Delete(now);
                    removed.Add(entry.Message.MessageId);
                }
            }

            log.LiveCount -= removed.Count;
            return removed;
        }, []);
    }

    /// <summary>One stored message, or the tombstone it became.</summary>
    private sealed class Entry(ChatMessage message)
    {
        public ChatMessage Message { get; private set; } = message;

        public DateTimeOffset? DeletedAt { get; private set; }

        public Dictionary<string, HashSet<string>>? Reactions { get; set; }

        public void Delete(DateTimeOffset now)
        {
            // The tombstone keeps the id, author and time; the text and reactions go.
            Message = Message with { Text = string.Empty, ReplyTo = null };
            Reactions = null;
            DeletedAt = now;
        }

        public Dictionary<string, int>? Counts()
        {
            if (Reactions is not { Count: > 0 })
            {
                return null;
            }

            var counts = new Dictionary<string, int>(Reactions.Count, StringComparer.Ordinal);
            foreach (var (emoji, users) in Reactions)
            {
                counts[emoji] = users.Count;
            }

            return counts;
        }

        public ChatMessage Snapshot() => Counts() is { } counts ? Message with { Reactions = counts } : Message;
    }

    private sealed class StreamLog
    {
        private readonly Dictionary<string, Entry> _byId = new(StringComparer.Ordinal);

        /// <summary>Gets the messages and tombstones in the order they were stored.</summary>
        public LinkedList<Entry> Entries { get; } = new();

        public int LiveCount { get; set; }

        public bool Retired { get; set; }

        public IEnumerable<Entry> Live() => Entries.Where(static e => e.DeletedAt is null);

        public Entry? Find(string messageId) => _byId.GetValueOrDefault(messageId);

        public void Add(Entry entry, int capacity)
        {
            if (!_byId.TryAdd(entry.Message.MessageId, entry))
            {
                return;
            }

            Entries.AddLast(entry);
            LiveCount++;

            // The cap counts messages; tombstones older than the oldest message kept go with it, and at most as many
            // tombstones as messages are kept.
            while (LiveCount > capacity || Entries.Count > 2 * capacity)
            {
                RemoveFirst();
            }
        }

        public void Prune(DateTimeOffset cutoff)
        {
            while (Entries.First is { } first && first.Value.Message.SentAt <= cutoff)
            {
                RemoveFirst();
            }
        }

        private void RemoveFirst()
        {
            var first = Entries.First!.Value;
            Entries.RemoveFirst();
            _byId.Remove(first.Message.MessageId);
            if (first.DeletedAt is null)
            {
                LiveCount--;
            }
        }
    }
}
