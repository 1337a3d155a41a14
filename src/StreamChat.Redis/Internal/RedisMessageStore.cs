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
internal sealed partial class RedisMessageStore : IMessageStore, IDisposable
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
        var cutoff = (_time.GetUtcNow() - _timeToLive).ToUnixTimeMilliseconds();
        var result = (RedisResult[])(await _redis.RunAsync(
            "history.read",
            db => db.ScriptEvaluateAsync(RedisScripts.MessageRecent, [_keys.Messages(streamId), _keys.MessageOrder(streamId)], [cutoff, limit]),
            cancellationToken).ConfigureAwait(false))!;
        var messages = new List<ChatMessage>(result.Length);
        for (var i = result.Length - 1; i >= 0; i--)
        {
            if (!result[i].IsNull && JsonSerializer.Deserialize((byte[])result[i]!, RedisJsonContext.Default.MessageRecord) is { } record)
            {
                messages.Add(record.ToMessage(streamId));
            }
        }

        return messages;
    }

    public Task<IReadOnlyList<string>> DeleteAsync(string streamId, IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentNullException.ThrowIfNull(messageIds);
        var args = new RedisValue[messageIds.Count + 1];
        args[0] = "ids";
        var i = 1;
        foreach (var id in messageIds)
        {
            args[i++] = id;
        }

        DropPending(m => string.Equals(m.StreamId, streamId, StringComparison.Ordinal) && messageIds.Contains(m.MessageId));
        return DeleteCoreAsync(streamId, args, cancellationToken);
    }

    public Task<IReadOnlyList<string>> DeleteByUserAsync(string streamId, string userId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        DropPending(m => string.Equals(m.StreamId, streamId, StringComparison.Ordinal) && string.Equals(m.UserId, userId, StringComparison.Ordinal));
        return DeleteCoreAsync(streamId, ["user", userId], cancellationToken);
    }

    public Task ClearAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        DropPending(m => string.Equals(m.StreamId, streamId, StringComparison.Ordinal));
        return _redis.RunAsync("history.clear", db => db.KeyDeleteAsync([_keys.Messages(streamId), _keys.MessageOrder(streamId)]), cancellationToken);
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
        var cutoff = (_time.GetUtcNow() - _timeToLive).ToUnixTimeMilliseconds();
        var keyTtl = (long)_timeToLive.TotalMilliseconds + 60_000;
        return _redis.RunAsync(
            "history.write",
            db => db.ScriptEvaluateAsync(
                RedisScripts.MessageAdd,
                [_keys.Messages(message.StreamId), _keys.MessageOrder(message.StreamId)],
                [message.MessageId, message.SentAt.ToUnixTimeMilliseconds(), record, cutoff, _capacity, keyTtl]),
            cancellationToken);
    }

    private async Task<IReadOnlyList<string>> DeleteCoreAsync(string streamId, RedisValue[] args, CancellationToken cancellationToken)
    {
        var result = (RedisResult[])(await _redis.RunAsync(
            "history.delete",
            db => db.ScriptEvaluateAsync(RedisScripts.MessageDelete, [_keys.Messages(streamId), _keys.MessageOrder(streamId)], args),
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

    public static MessageRecord From(ChatMessage message) => new()
    {
        Id = message.MessageId,
        UserId = message.UserId,
        Username = message.Username,
        Text = message.Text,
        SentAt = message.SentAt.UtcTicks,
        Hidden = message.Hidden,
    };

    public ChatMessage ToMessage(string streamId) =>
        new(Id, streamId, UserId, Username, Text, new DateTimeOffset(SentAt, TimeSpan.Zero)) { Hidden = Hidden };
}

[JsonSerializable(typeof(MessageRecord))]
internal sealed partial class RedisJsonContext : JsonSerializerContext;
