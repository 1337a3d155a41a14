using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamChat.Core;
using StreamChat.Core.Messages;

namespace StreamChat.Redis.Internal;

/// <summary>
/// History in Redis: per stream, a hash of message records and a sorted set of their ids by send time, trimmed to the
/// time-to-live and the per-stream cap on every write. While Redis is unreachable, messages are kept on this node (up
/// to <see cref="RedisScaleOutOptions.MaxPendingMessages"/>) and written, with their own send times, when it is back,
/// so nothing a sender was told was sent goes missing from history.
/// </summary>
internal sealed partial class RedisMessageStore : IMessageStore, IReactionStore, IDisposable
{
    private readonly RedisConnection _redis;
    private readonly RedisKeys _keys;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TimeSpan _timeToLive;
    private readonly int _capacity;
    private readonly int _maxPending;
    private readonly object _pendingGate = new();
    private readonly List<ChatMessage> _pending = [];
    private readonly SemaphoreSlim _flushGate = new(1, 1);

    public RedisMessageStore(RedisConnection redis, IOptions<StreamChatOptions> chatOptions, IOptions<RedisScaleOutOptions> options, TimeProvider time, ILogger<RedisMessageStore> logger)
    {
        _redis = redis;
        _keys = redis.Keys;
        _time = time;
        _logger = logger;
        _timeToLive = chatOptions.Value.MessageTimeToLive;
        _capacity = chatOptions.Value.MaxMessagesPerStream;
        _maxPending = options.Value.MaxPendingMessages;
        _redis.Restored += () => FlushPendingAsync(CancellationToken.None);
    }

    /// <summary>Gets how many messages wait for Redis.</summary>
    public int PendingCount
    {
        get
        {
            lock (_pendingGate)
            {
                return _pending.Count;
            }
        }
    }

    public async Task AddAsync(ChatMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            await WriteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisUnavailableException)
        {
            lock (_pendingGate)
            {
                if (_pending.Count >= _maxPending)
                {
                    throw;
                }

                _pending.Add(message);
            }
        }
    }

    public async Task<IReadOnlyList<ChatMessage>> GetRecentAsync(string streamId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var result = (RedisResult[])(await _redis.RunAsync(
            "history.read",
            db => db.ScriptEvaluateAsync(RedisScripts.MessageRecent, [_keys.Messages(streamId), _keys.MessageOrder(streamId)], [Cutoff(), limit, _keys.ReactionPrefix(streamId)]),
            cancellationToken).ConfigureAwait(false))!;
        var messages = new List<ChatMessage>(result.Length);
        for (var i = result.Length - 1; i >= 0; i--)
        {
            if (ToMessage(streamId, (RedisResult[])result[i]!) is { } message)
            {
                messages.Add(message);
            }
        }

        return messages;
    }

    public async Task<ChatMessage?> FindAsync(string streamId, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        var result = (RedisResult[])(await _redis.RunAsync(
            "history.find",
            db => db.ScriptEvaluateAsync(RedisScripts.MessageFind, [_keys.Messages(streamId), _keys.MessageOrder(streamId)], [messageId, Cutoff(), _keys.ReactionPrefix(streamId)]),
            cancellationToken).ConfigureAwait(false))!;
        return result.Length == 0 ? null : ToMessage(streamId, result);
    }

    public async Task<MessageReplay> GetSinceAsync(string streamId, string messageId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        if (!Ulid.TryParse(messageId, out var ulid))
        {
            return MessageReplay.Incomplete;
        }

        var result = (RedisResult[])(await _redis.RunAsync(
            "history.since",
            db => db.ScriptEvaluateAsync(
                RedisScripts.MessageSince,
                [_keys.Messages(streamId), _keys.MessageOrder(streamId), _keys.MessageTombstones(streamId)],
                [messageId, limit, Cutoff(), ulid.Time.ToUnixTimeMilliseconds(), _keys.ReactionPrefix(streamId)]),
            cancellationToken).ConfigureAwait(false))!;
        if ((long)result[0] == 0)
        {
            return MessageReplay.Incomplete;
        }

        var messages = new List<ChatMessage>();
        foreach (var pair in (RedisResult[])result[1]!)
        {
            if (ToMessage(streamId, (RedisResult[])pair!) is { } message)
            {
                messages.Add(message);
            }
        }

        var flat = (RedisResult[])result[2]!;
        var tombstones = new List<MessageTombstone>(flat.Length / 2);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            tombstones.Add(new MessageTombstone((string)flat[i]!, DateTimeOffset.FromUnixTimeMilliseconds((long)flat[i + 1])));
        }

        tombstones.Sort(static (a, b) => a.DeletedAt != b.DeletedAt ? a.DeletedAt.CompareTo(b.DeletedAt) : string.CompareOrdinal(a.MessageId, b.MessageId));
        return new MessageReplay(true, messages, tombstones);
    }

    public async Task<ReactionChange> SetReactionAsync(string streamId, string messageId, string userId, string emoji, bool present, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentException.ThrowIfNullOrEmpty(emoji);
        var result = (long)(await _redis.RunAsync(
            "reaction.set",
            db => db.ScriptEvaluateAsync(
                RedisScripts.ReactionSet,
                [_keys.MessageOrder(streamId), _keys.ReactionUsers(streamId, messageId), _keys.ReactionCounts(streamId, messageId)],
                [messageId, Cutoff(), emoji, userId, present ? 1 : 0, KeyTtl()]),
            cancellationToken).ConfigureAwait(false));
        return result switch
        {
            < 0 => ReactionChange.MessageNotFound,
            0 => ReactionChange.Unchanged,
            _ => ReactionChange.Changed,
        };
    }

    public async Task<IReadOnlyList<MessageReactions>> GetReactionsAsync(string streamId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentNullException.ThrowIfNull(messageIds);
        if (messageIds.Count == 0)
        {
            return [];
        }

        var args = new RedisValue[messageIds.Count + 2];
        args[0] = Cutoff();
        args[1] = _keys.ReactionPrefix(streamId);
        var i = 2;
        foreach (var id in messageIds)
        {
            args[i++] = id;
        }

        var flat = (RedisResult[])(await _redis.RunAsync(
            "reaction.read",
            db => db.ScriptEvaluateAsync(RedisScripts.ReactionRead, [_keys.MessageOrder(streamId)], args),
            cancellationToken).ConfigureAwait(false))!;
        var result = new List<MessageReactions>(flat.Length / 2);
        for (var j = 0; j + 1 < flat.Length; j += 2)
        {
            result.Add(new MessageReactions((string)flat[j]!, Counts((RedisResult[])flat[j + 1]!) ?? new Dictionary<string, int>(StringComparer.Ordinal)));
        }

        return result;
    }

    public Task<IReadOnlyList<string>> DeleteAsync(string streamId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentNullException.ThrowIfNull(messageIds);
        DropPending(m => string.Equals(m.StreamId, streamId, StringComparison.Ordinal) && messageIds.Contains(m.MessageId));
        return DeleteCoreAsync(streamId, "ids", messageIds.Select(static id => (RedisValue)id), cancellationToken);
    }

    public Task<IReadOnlyList<string>> DeleteByUserAsync(string streamId, string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        DropPending(m => string.Equals(m.StreamId, streamId, StringComparison.Ordinal) && string.Equals(m.UserId, userId, StringComparison.Ordinal));
        return DeleteCoreAsync(streamId, "user", [userId], cancellationToken);
    }

    public Task ClearAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        DropPending(m => string.Equals(m.StreamId, streamId, StringComparison.Ordinal));
        return DeleteCoreAsync(streamId, "all", [], cancellationToken);
    }

    /// <summary>Writes the messages kept while Redis was unreachable, oldest first; runs when Redis is back.</summary>
    public async Task FlushPendingAsync(CancellationToken cancellationToken)
    {
        await _flushGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ChatMessage[] batch;
            lock (_pendingGate)
            {
                batch = [.. _pending];
            }

            foreach (var message in batch)
            {
                await WriteAsync(message, cancellationToken).ConfigureAwait(false);
                lock (_pendingGate)
                {
                    _pending.Remove(message);
                }
            }

            if (batch.Length > 0)
            {
                Log.PendingWritten(_logger, batch.Length);
            }
        }
        finally
        {
            _flushGate.Release();
        }
    }

    public void Dispose() => _flushGate.Dispose();

    private Task<RedisResult> WriteAsync(ChatMessage message, CancellationToken cancellationToken)
    {
        var record = JsonSerializer.SerializeToUtf8Bytes(MessageRecord.From(message), RedisJsonContext.Default.MessageRecord);
        return _redis.RunAsync(
            "history.write",
            db => db.ScriptEvaluateAsync(
                RedisScripts.MessageAdd,
                [_keys.Messages(message.StreamId), _keys.MessageOrder(message.StreamId), _keys.MessageTombstones(message.StreamId)],
                [message.MessageId, message.SentAt.ToUnixTimeMilliseconds(), record, Cutoff(), _capacity, KeyTtl(), _keys.ReactionPrefix(message.StreamId)]),
            cancellationToken);
    }

    private long Cutoff() => (_time.GetUtcNow() - _timeToLive).ToUnixTimeMilliseconds();

    private long KeyTtl() => (long)_timeToLive.TotalMilliseconds + 60_000;

    private static Dictionary<string, int>? Counts(RedisResult[] flat)
    {
        if (flat.Length == 0)
        {
            return null;
        }

        var counts = new Dictionary<string, int>(flat.Length / 2, StringComparer.Ordinal);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            counts[(string)flat[i]!] = (int)flat[i + 1];
        }

        return counts;
    }

    /// <summary>A {record, counts} pair as the scripts return it, or <see langword="null"/> for a record that is gone.</summary>
    private static ChatMessage? ToMessage(string streamId, RedisResult[] pair)
    {
        if (pair.Length < 2 || pair[0].IsNull || pair[0].Resp2Type == ResultType.Integer
            || JsonSerializer.Deserialize((byte[])pair[0]!, RedisJsonContext.Default.MessageRecord) is not { } record)
        {
            return null;
        }

        return record.ToMessage(streamId) with { Reactions = Counts((RedisResult[])pair[1]!) };
    }

    private async Task<IReadOnlyList<string>> DeleteCoreAsync(string streamId, string mode, IEnumerable<RedisValue> targets, CancellationToken cancellationToken)
    {
        RedisValue[] args = [mode, _time.GetUtcNow().ToUnixTimeMilliseconds(), _capacity, KeyTtl(), _keys.ReactionPrefix(streamId), .. targets];
        var result = (RedisResult[])(await _redis.RunAsync(
            "history.delete",
            db => db.ScriptEvaluateAsync(RedisScripts.MessageDelete, [_keys.Messages(streamId), _keys.MessageOrder(streamId), _keys.MessageTombstones(streamId)], args),
            cancellationToken).ConfigureAwait(false))!;
        return result.Select(static r => (string)r!).ToArray();
    }

    private void DropPending(Predicate<ChatMessage> match)
    {
        lock (_pendingGate)
        {
            _pending.RemoveAll(match);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Wrote {Count} chat message(s) kept while Redis was unreachable to history.", EventName = "PendingHistoryWritten")]
        public static partial void PendingWritten(ILogger logger, int count);
    }
}

/// <summary>A message as stored in Redis (short names; the Lua delete-by-user reads <c>u</c>).</summary>
internal sealed class MessageRecord
{
    [JsonPropertyName("i")]
    public string Id { get; set; } = string.Empty;

    [JsonPropertyName("u")]
    public string UserId { get; set; } = string.Empty;

    [JsonPropertyName("n")]
    public string Username { get; set; } = string.Empty;

    [JsonPropertyName("x")]
    public string Text { get; set; } = string.Empty;

    /// <summary>Gets or sets the send time in UTC ticks (the sorted set scores it in milliseconds).</summary>
    [JsonPropertyName("t")]
    public long SentAt { get; set; }

    [JsonPropertyName("h")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Hidden { get; set; }

    [JsonPropertyName("r")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ReplyRecord? ReplyTo { get; set; }

    public static MessageRecord From(ChatMessage message) => new()
    {
        Id = message.MessageId,
        UserId = message.UserId,
        Username = message.Username,
        Text = message.Text,
        SentAt = message.SentAt.UtcTicks,
        Hidden = message.Hidden,
        ReplyTo = message.ReplyTo is { } parent ? new ReplyRecord { Id = parent.MessageId, UserId = parent.UserId, Username = parent.Username, Quote = parent.Quote } : null,
    };

    public ChatMessage ToMessage(string streamId) =>
        new(Id, streamId, UserId, Username, Text, new DateTimeOffset(SentAt, TimeSpan.Zero))
        {
            Hidden = Hidden,
            ReplyTo = ReplyTo is { } parent ? new MessageReference(parent.Id, parent.UserId, parent.Username, parent.Quote) : null,
        };
}

internal sealed class ReplyRecord
{
    [JsonPropertyName("i")]
    public string Id { get; set; } = string.Empty;

    [JsonPropertyName("u")]
    public string UserId { get; set; } = string.Empty;

    [JsonPropertyName("n")]
    public string Username { get; set; } = string.Empty;

    [JsonPropertyName("q")]
    public string Quote { get; set; } = string.Empty;
}

[JsonSerializable(typeof(MessageRecord))]
internal sealed partial class RedisJsonContext : JsonSerializerContext;
