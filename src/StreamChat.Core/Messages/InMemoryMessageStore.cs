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

    private sealed class StreamLog
    {
        public Queue<ChatMessage> Messages { get; } = new();

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
